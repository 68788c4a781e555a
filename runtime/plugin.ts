import { guardSession, type CallGuard } from './checkpoint/call-guard.js';
import { closestName } from './closest-name.js';
import type { Connector, Row } from './connector.js';
import { describeConnector, type ConnectorDescription } from './describe.js';
import { parseErrorBehavior } from './error-behavior.js';
import { ConfigurationError } from './errors.js';
import { isRowFile, type CheckpointOption, type FileRunner, type FileRunRequest, type FileRunResult, type RowFile } from './file-run.js';
import { silentLogger, type Logger } from './logger.js';
import { readManifest, type Manifest, type ManifestConnector } from './manifest.js';
import { runPipeline, type RowSource, type RunHandle } from './pipeline.js';
import { onceWhenEmpty } from './once-when-empty.js';
import { SchemaRegistry } from './schema-registry.js';
import { rowLimitProblem } from './row-limits.js';
import { describeRowIssues, schemaIssues } from './schema-issues.js';
import { redactor, secretValues } from './secrets.js';

export interface LoadOptions {
  /** Folder of JSON Schemas (default: the package's schemas/). */
  schemasDir?: string;
  /** Manifest file (default: the package's manifest.json). */
  manifestFile?: string;
  /**
   * The connector modules: every manifest connector needs one, and vice versa. The core knows no connector; the
   * package root's `loadPlugin` (connectors/index.ts) passes the ones the plugin ships.
   */
  connectors: readonly Connector[];
  /** Releases what the composition opened for the plugin's life (a shared rate budget's connection): run by close(). */
  dispose?: (() => Promise<void>) | undefined;
  /** Runs `rows: { file }` requests (reads and writes files); the package root's `loadPlugin` passes batch/'s. */
  fileRunner?: FileRunner | undefined;
}

export interface RunRequest {
  /** Connector id (`get-contact`) or display name (`Respond.io - Get Contact`). */
  connector: string;
  /**
   * The input rows: an array, a generator, a parsed stream. Malformed lines come as MalformedInput. Or a file,
   * `{ file, format? }`: see FileRunRequest (the rows then go to `output`, and `run` returns a promise of the result).
   */
  rows?: RowSource;
  /** Several inputs at once: only for multi-input steps, which no connector here is (refused with a clear error). */
  inputs?: RowSource[];
  /** The Connection block, e.g. `{ Token: '…', 'Base URL': '…' }`. */
  connection: Readonly<Record<string, unknown>>;
  /** The Settings block, e.g. `{ 'Error behavior': 'Do not fail and return response' }` (kebab-case accepted). */
  settings?: Readonly<Record<string, unknown>>;
  /** Calls in flight at most (1–256, default 8). The rate limiter, not this, sets the pace against respond.io. */
  concurrency?: number;
  /** Rows read ahead of the consumer at most (default 4 × concurrency, at least 16). */
  readAhead?: number;
  /** The number of the first row read (default 1): a resumed run keeps its row numbers in messages, results, events. */
  firstRow?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /**
   * Hooks around each connector call (a checkpointed run of a connector that is not idempotent records an intent
   * before the call and the outcome after it: runtime/checkpoint/).
   */
  callGuard?: CallGuard;
  /** Passed to the connector family as is (respond.io client: timeoutMs, retryPolicy, pacing, clock, random). */
  connectorOptions?: Readonly<Record<string, unknown>>;
  /** Only with `rows: { file }` (FileRunRequest): an array or an iterable is refused with a ConfigurationError. */
  checkpoint?: CheckpointOption | undefined;
  /** Only with `rows: { file }` (FileRunRequest). */
  output?: RowFile | undefined;
}

export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 256;

/** The plugin as a workflow engine sees it: what it offers, and a way to run a connector over rows. */
export class Plugin {
  private readonly entries: Map<string, { entry: ManifestConnector; module: Connector }>;

  constructor(
    readonly manifest: Manifest,
    readonly registry: SchemaRegistry,
    modules: readonly Connector[],
    private dispose: () => Promise<void> = async () => {},
    private readonly fileRunner?: FileRunner,
  ) {
    this.entries = new Map();
    const byId = new Map(modules.map((module) => [module.id, module]));
    for (const entry of manifest.connectors) {
      const module = byId.get(entry.id);
      if (!module) throw new ConfigurationError('RC_INVALID_MANIFEST', `manifest.json names connector "${entry.id}" but no module implements it`);
      const output = registry.get(entry.output.name, entry.output.version).schema;
      for (const column of ['StatusCode', 'Message']) {
        if (!output.properties?.[column]) {
          throw new ConfigurationError('RC_INVALID_MANIFEST', `output schema "${output.title}" of "${entry.id}" has no ${column} column for error rows`);
        }
      }
      this.entries.set(entry.id, { entry, module });
      byId.delete(entry.id);
    }
    for (const id of byId.keys()) {
      throw new ConfigurationError('RC_INVALID_MANIFEST', `connector module "${id}" is not declared in manifest.json`);
    }
  }

  /** Releases what the plugin holds for its life (LoadOptions.dispose); call it at shutdown, after the last run. Idempotent. */
  async close(): Promise<void> {
    const dispose = this.dispose;
    this.dispose = async () => {};
    await dispose();
  }

  listConnectors(): ConnectorDescription[] {
    return [...this.entries.values()].map(({ entry }) => describeConnector(entry, this.registry));
  }

  describe(connector: string): ConnectorDescription {
    return describeConnector(this.find(connector).entry, this.registry);
  }

  /**
   * A run from a file to a file (`rows: { file }`, `output: { file }`), journaled with `checkpoint`: resolves with the
   * result once every row is in the output file; a configuration problem (or a journal of another run) rejects it.
   */
  run(request: FileRunRequest): Promise<FileRunResult>;
  /**
   * Starts a run. Configuration problems (unknown connector, no token, bad setting, several inputs) throw a
   * ConfigurationError here, before any row is read. Rows are produced as the handle is iterated.
   */
  run(request: RunRequest): RunHandle;
  run(request: RunRequest | FileRunRequest): RunHandle | Promise<FileRunResult> {
    if (isRowFile(request.rows)) return this.runFiles(request as FileRunRequest);
    if (request.checkpoint !== undefined || request.output !== undefined) {
      // Resuming means reading the input again from where the earlier run stopped: only a file can be.
      throw new ConfigurationError(
        'RC_INVALID_OPTION',
        `${request.checkpoint !== undefined ? 'checkpoint' : 'output'} needs rows that can be opened again at an offset: an array or an iterable cannot be read again from where an interrupted run stopped. Pass rows: { file: 'input.ndjson' } (NDJSON, JSON array or CSV) and output: { file: 'output.ndjson' } instead`,
      );
    }
    return this.runRows(request as RunRequest);
  }

  private async runFiles(request: FileRunRequest): Promise<FileRunResult> {
    if (!isRowFile(request.output)) {
      throw new ConfigurationError('RC_INVALID_OPTION', "rows: { file } needs output: { file: 'output.ndjson' }: the output rows are written to that file");
    }
    if (this.fileRunner === undefined) {
      throw new ConfigurationError('RC_INVALID_OPTION', "rows: { file } needs the plugin of the package root's loadPlugin ('respondio-connectors'), which reads and writes files");
    }
    return this.fileRunner(this, request);
  }

  private runRows(request: RunRequest): RunHandle {
    const { entry, module } = this.find(request.connector);
    const input = this.registry.get(entry.input.name, entry.input.version);
    const takesNoColumns = Object.keys(input.schema.properties ?? {}).length === 0;
    // A connector without input columns (List Users) runs once even when given no rows: see once-when-empty.ts.
    const rows = takesNoColumns ? onceWhenEmpty(this.singleInput(entry, request, true)) : this.singleInput(entry, request);
    const concurrency = integerOption('concurrency', request.concurrency ?? DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY);
    const readAhead = integerOption('readAhead', request.readAhead ?? Math.max(16, concurrency * 4), concurrency, 100_000);
    const firstRow = integerOption('firstRow', request.firstRow ?? 1, 1, Number.MAX_SAFE_INTEGER);
    const connection = this.checkBlock(entry.configuration.Connection.schema, request.connection ?? {}, 'RC_INVALID_CONNECTION', 'Connection field');
    const settings = this.checkBlock(
      entry.configuration.Settings.schema,
      { ...request.settings, 'Error behavior': parseErrorBehavior(request.settings?.['Error behavior']) },
      'RC_INVALID_SETTINGS',
      'setting',
    );
    const behavior = parseErrorBehavior(settings['Error behavior']);
    const connectionSchema = this.registry.get(entry.configuration.Connection.schema.name, entry.configuration.Connection.schema.version).schema;
    const redact = redactor(secretValues(connectionSchema, connection));
    const logger = request.logger ?? silentLogger;
    const opened = module.open({
      connection,
      settings,
      logger,
      connectorOptions: request.connectorOptions ?? {},
      registry: this.registry,
      endpoint: { ...entry.api, idempotent: entry.idempotent },
    });
    const session = request.callGuard ? guardSession(opened, request.callGuard) : opened;

    const output = this.registry.get(entry.output.name, entry.output.version);
    const nullRow = Object.fromEntries(Object.keys(output.schema.properties ?? {}).map((column) => [column, null]));
    return runPipeline({
      connector: entry.id,
      rows,
      session,
      behavior,
      concurrency,
      readAhead,
      firstRow,
      signal: request.signal,
      logger,
      redact,
      checkInput: (row) => (input.validate(row) ? undefined : redact(describeRowIssues(schemaIssues(input.validate.errors)))),
      // Limits first: a row too large or too deep is refused before Ajv or a writer walks it.
      checkOutput: (row) => {
        const problem = rowLimitProblem(row) ?? (output.validate(row) ? undefined : describeRowIssues(schemaIssues(output.validate.errors)));
        return problem === undefined ? undefined : redact(problem);
      },
      errorRow: (statusCode, message): Row => ({ ...nullRow, StatusCode: statusCode, Message: message }),
    });
  }

  private find(connector: string): { entry: ManifestConnector; module: Connector } {
    const found = this.entries.get(connector) ?? [...this.entries.values()].find(({ entry }) => entry.name === connector);
    if (!found) {
      const entries = [...this.entries.values()].map(({ entry }) => entry);
      const known = entries.map((entry) => `${entry.id} (${entry.name})`).join(', ');
      const near = closestName(connector, entries.flatMap((entry) => [entry.id, entry.name]));
      const hint = near === undefined ? '; known:' : `; did you mean ${near}? known:`;
      throw new ConfigurationError('RC_UNKNOWN_CONNECTOR', `unknown connector ${JSON.stringify(connector)}${hint} ${known}`);
    }
    return found;
  }

  private singleInput(entry: ManifestConnector, request: RunRequest, optional: true): RowSource | undefined;
  private singleInput(entry: ManifestConnector, request: RunRequest): RowSource;
  private singleInput(entry: ManifestConnector, request: RunRequest, optional = false): RowSource | undefined {
    if (request.inputs !== undefined) {
      if (request.rows !== undefined) throw new ConfigurationError('RC_INVALID_OPTION', 'give either rows or inputs, not both');
      if (request.inputs.length !== 1 && entry.multiInputStep === 'Not supported') {
        throw new ConfigurationError(
          'RC_MULTI_INPUT_UNSUPPORTED',
          `${entry.name} is not a multi-input step: it takes exactly one input, ${request.inputs.length} were given`,
        );
      }
      const [only] = request.inputs;
      if (only !== undefined) return only;
    }
    if (request.rows === undefined && !optional) throw new ConfigurationError('RC_INVALID_OPTION', 'no input rows given');
    return request.rows;
  }

  private checkBlock(
    ref: { name: string; version: string },
    block: Readonly<Record<string, unknown>>,
    code: 'RC_INVALID_CONNECTION' | 'RC_INVALID_SETTINGS',
    noun: string,
  ): Readonly<Record<string, unknown>> {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      throw new ConfigurationError(code, `${ref.name} must be an object`);
    }
    const clean = Object.fromEntries(Object.entries(block).filter(([, value]) => value !== undefined));
    const { schema, validate } = this.registry.get(ref.name, ref.version);
    if (!validate(clean)) {
      // The values may be secrets: the message names the field and the rule, and quotes no value of a secret field.
      const secret = new Set(secretValues(schema, clean));
      const text = describeRowIssues(schemaIssues(validate.errors), noun);
      throw new ConfigurationError(code, `${ref.name}: ${redactor([...secret])(text)}`);
    }
    return clean;
  }
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError('RC_INVALID_OPTION', `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Loads the manifest (validated against its meta-schema), the schemas, and binds the connector modules given. */
export async function loadPlugin(options: LoadOptions): Promise<Plugin> {
  const registry = SchemaRegistry.load(options.schemasDir);
  const manifest = readManifest(registry, options.manifestFile);
  return new Plugin(manifest, registry, options.connectors, options.dispose, options.fileRunner);
}
