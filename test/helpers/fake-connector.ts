import type { Connector, Row, UpstreamStats } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import type { Manifest } from '../../runtime/manifest.js';
import { Plugin } from '../../runtime/plugin.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';

/**
 * A connector that lives only in the tests: it reads the Get Contact Request schema and answers the Get Contact
 * Response schema, and its Identifier says what to do, so a test row scripts its own fate:
 *   `id:7` → success row with ID 7 · `fail:404` → RowError 404 · `fatal` → ConfigurationError (e.g. token rejected)
 *   `crash` → a plain Error · `bad-output` → a row the output schema rejects · `leak` → an error quoting the token
 *   `many:3` → three rows (a list connector: an async iterable), IDs 1..3 · `many-then-fail:2` → two rows, then a
 *   RowError 502 (a later page that could not be fetched) · `many-then-bad:2` → two rows, then an invalid one
 * A `delay` option adds per-row latency (ms), so order and determinism are tested under reordering; a `gate` holds a
 * call until the test releases it, and `onCall` tells the test a call started (no sleep decides a verdict).
 */
export interface FakeOptions {
  delay?: (identifier: string) => number;
  /** Every call, in the order they started. */
  calls?: string[];
  /** Told as each call starts (after `calls`): a test acts at that point (e.g. stops the run) instead of after a sleep. */
  onCall?: (identifier: string) => void;
  /**
   * A promise the call waits on before answering, released by the test (a gated fake: latency without a sleep); an
   * abort ends the wait like it ends a `delay`. Undefined for an identifier: no gate.
   */
  gate?: (identifier: string) => Promise<void> | undefined;
  /** The Connection's Base URL of every run opened. */
  connections?: string[];
  /** Calls whose signal was aborted. */
  aborted?: string[];
  /** Called for every row a `many…` identifier yields, as it is yielded (streaming is tested by counting). */
  onYield?: (identifier: string, item: number) => void;
  /** Changes a row's fate for this plugin only (e.g. `id:6` → `fail:503` in the leg of a run that is resumed later). */
  fate?: (identifier: string) => string;
  /** The manifest's `idempotent` for the connector (default true, a GET). */
  idempotent?: boolean;
}

const manyPattern = /^(many|many-then-fail|many-then-bad):(\d+)$/;

function contactRow(identifier: string, id: unknown): Row {
  return {
    StatusCode: 200, Message: null, ID: id, Status: 'open', Tags: null, Assignee: null, CreatedAt: '2022-09-15T20:34:41.000Z', FirstName: identifier,
    LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null,
  };
}

/** Waits `ms` or for the gate the test releases, whichever the call was given; an abort ends the wait. */
function waitOrAbort(wait: number | Promise<void>, signal: AbortSignal, onAbort: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      // aborted while the call waited before it (e.g. in beforeSend): an abort listener would never fire
      onAbort();
      reject(signal.reason);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (typeof wait === 'number') timer = setTimeout(resolve, wait);
    else void wait.then(resolve, reject);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      onAbort();
      reject(signal.reason);
    }, { once: true });
  });
}

export function fakeConnector(options: FakeOptions = {}): Connector {
  return {
    id: 'fake-contact',
    open(environment) {
      options.connections?.push(String(environment.connection['Base URL']));
      const stats: UpstreamStats = { requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 };
      return {
        stats: () => ({ ...stats }),
        process(row: Row, { signal, beforeSend }): Promise<Row> | AsyncIterable<Row> {
          const identifier = options.fate?.(String(row.Identifier)) ?? String(row.Identifier);
          options.calls?.push(identifier);
          options.onCall?.(identifier);
          stats.requests += 1;
          const wait = options.gate?.(identifier) ?? options.delay?.(identifier) ?? 0;
          const latency = wait !== 0 ? () => waitOrAbort(wait, signal, () => options.aborted?.push(identifier)) : () => Promise.resolve();
          const many = manyPattern.exec(identifier);
          if (many) {
            const [, kind, count] = many;
            return (async function* list(): AsyncGenerator<Row> {
              await beforeSend(); // as the respond.io client does right before a request leaves
              await latency();
              for (let item = 1; item <= Number(count); item += 1) {
                options.onYield?.(identifier, item);
                yield contactRow(identifier, item);
              }
              if (kind === 'many-then-fail') throw new RowError('RC_UPSTREAM_HTTP_ERROR', 502, `the next page of ${identifier} could not be fetched`);
              if (kind === 'many-then-bad') yield contactRow(identifier, 'not-a-number');
            })();
          }
          return (async () => {
            await beforeSend();
            await latency();
            if (identifier.startsWith('fail:')) throw new RowError('RC_UPSTREAM_HTTP_ERROR', Number(identifier.slice(5)), `upstream said no to ${identifier}`);
            if (identifier === 'fatal') throw new ConfigurationError('RC_TOKEN_REJECTED', 'respond.io rejected the token (401)');
            if (identifier === 'crash') throw new TypeError('cannot read properties of undefined');
            if (identifier === 'leak') throw new RowError('RC_UPSTREAM_HTTP_ERROR', 500, `upstream echoed ${String(environment.connection.Token)}`);
            return contactRow(identifier, identifier === 'bad-output' ? 'not-a-number' : Number(identifier.replace(/\D/g, '') || 0));
          })();
        },
      };
    },
  };
}

export const fakeManifest: Manifest = {
  manifestVersion: '1.1.0',
  plugin: { id: 'fake-plugin', name: 'Fake plugin', version: '1.0.0', description: 'test double' },
  connectors: [
    {
      id: 'fake-contact',
      name: 'Fake - Get Contact',
      description: 'A test connector over the Get Contact schemas.',
      version: '1.0.0',
      releaseNotes: [{ version: '1.0.0', notes: ['test'] }],
      agentRestriction: 'None',
      processingType: 'Row by row',
      multiInputStep: 'Not supported',
      configuration: {
        Connection: { name: 'Respond.io - Connection', schema: { name: 'Respond.io - Connection', version: '1.0.0' } },
        Settings: { name: 'Fake Settings', schema: { name: 'Respond.io - Row Settings', version: '1.0.0' } },
      },
      input: { name: 'Respond.io - Get Contact Request', version: '1.0.0' },
      output: { name: 'Respond.io - Get Contact Response', version: '1.1.0' },
      statusCodes: [{ code: 200, description: 'Success' }],
      api: { method: 'GET', path: '/contact/{identifier}' },
      idempotent: true,
    },
  ],
};

/** One registry per test file: compiling the schemas anew for each of dozens of runs is slow. */
let registry: SchemaRegistry | undefined;

export function fakePlugin(options: FakeOptions = {}): Plugin {
  registry ??= SchemaRegistry.load();
  const { idempotent } = options;
  const manifest = idempotent === undefined ? fakeManifest : { ...fakeManifest, connectors: fakeManifest.connectors.map((entry) => ({ ...entry, idempotent })) };
  return new Plugin(manifest, registry, [fakeConnector(options)]);
}

export const TEST_TOKEN = 'tok_TEST_s3cr3t_9f8e7d6c5b4a';
