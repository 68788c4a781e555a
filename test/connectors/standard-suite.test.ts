import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import t, { type Test } from 'tap';
import { loadPlugin } from '../../connectors/index.js';
import { errorBehaviors, type ErrorBehavior } from '../../runtime/error-behavior.js';
import type { Row } from '../../runtime/connector.js';
import { FakeClock } from '../helpers/fake-clock.js';

// The standard connector suite: EVERY connector of manifest.json, under all three error behaviors, against the
// fixtures in its own folder (connectors/<id>/fixtures/*.json). A new connector is covered by adding fixtures, not
// a test file. nock is the network: the real client, URL building, retries and error mapping run.
//
// A fixture: { input, request?: { method, url }, replies: [{ status, body, headers?, untilRetriesRunOut? }],
//   expect: columns the output row must have, messageMatches?: a regex for an error row's Message }.
// connection.json holds the connection minus its secret, which the suite adds. Each fixture's input is its own
// (Send Event remembers accepted events, so two fixtures sending the same event would post once).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const REQUIRED_CASES = ['success', 'not-found', 'invalid-input', 'rate-limited-then-success', 'server-error'] as const;
const SECRET = 'tok_SUITE_never_in_output_3a9f';

/** Retry waits, in one place: the client's option names for them may change; the suite's expectations do not. */
const RETRY = { maxAttempts: 3, backoffBaseMs: 1, backoffMaxMs: 1 };
const clientOptions = () => ({ clock: new FakeClock({ autoAdvance: true }), random: () => 0.5, retryPolicy: RETRY });

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answered on every attempt the client makes: maxAttempts on an idempotent endpoint, one otherwise. */
  untilRetriesRunOut?: boolean;
}

interface Fixture {
  about: string;
  input: Row;
  request?: { method: string; url: string };
  replies: Reply[];
  expect: Row;
  messageMatches?: string;
}

nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());
const plugin = await loadPlugin();

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

for (const entry of plugin.manifest.connectors) {
  const folder = join(root, 'connectors', entry.id, 'fixtures');
  const present = readdirSync(folder).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -5));
  const connectionSchema = plugin.registry.get(entry.configuration.Connection.schema.name, entry.configuration.Connection.schema.version).schema;
  const secretField = Object.entries(connectionSchema.properties ?? {}).find(([, spec]) => spec['x-secret'] === true)?.[0];
  const connection = { ...readJson<Row>(join(folder, 'connection.json')), ...(secretField ? { [secretField]: SECRET } : {}) };
  const outputColumns = Object.keys(plugin.registry.get(entry.output.name, entry.output.version).schema.properties ?? {});
  const fixture = (name: string): Fixture => readJson<Fixture>(join(folder, `${name}.json`));
  // A 5xx is retried only where repeating the call is harmless: the manifest entry says so, not the connector's id.
  const attemptsOn5xx = entry.idempotent ? RETRY.maxAttempts : 1;

  t.test(`${entry.id}: has every standard fixture, and none leaks a secret`, async (t) => {
    t.same(REQUIRED_CASES.filter((name) => !present.includes(name)), [], `fixtures in connectors/${entry.id}/fixtures/`);
    t.ok(secretField, 'the connection schema flags its secret');
    for (const name of present) t.notOk(readFileSync(join(folder, `${name}.json`), 'utf8').includes(SECRET));
  });

  /** Registers what the fixture's row is answered; returns how many requests that is. */
  const intercept = (scope: Fixture): number => {
    if (!scope.request) return 0;
    const url = new URL(scope.request.url);
    let requests = 0;
    for (const reply of scope.replies) {
      const times = reply.untilRetriesRunOut ? attemptsOn5xx : 1;
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
      nock(url.origin).intercept(url.pathname + url.search, scope.request.method).times(times).reply(reply.status, body, reply.headers ?? {});
      requests += times;
    }
    return requests;
  };

  const checkRow = (t: Test, row: Row | undefined, want: Fixture, label: string): void => {
    t.match(row, want.expect, label);
    if (want.expect.StatusCode === 200) return;
    // An error row: StatusCode and Message set, every payload column null (error-behavior.md, "Words").
    t.type(row?.Message, 'string', `${label}: the error row says why`);
    if (want.messageMatches) t.match(row?.Message, new RegExp(want.messageMatches), label);
    t.same(outputColumns.filter((column) => column !== 'StatusCode' && column !== 'Message' && row?.[column] !== null), [], `${label}: payload columns null`);
  };

  for (const name of REQUIRED_CASES.filter((name) => present.includes(name))) {
    for (const behavior of errorBehaviors) {
      t.test(`${entry.id} · ${name} · ${behavior}`, async (t) => {
        const subject = fixture(name);
        const success = fixture('success');
        const failing = subject.expect.StatusCode !== 200;
        // The case's row first, then a success row: the table decides whether the second one runs at all.
        const batch = name === 'success' ? [subject] : [subject, success];
        const secondRuns = !failing || behavior === 'Do not fail and return response';
        let requests = intercept(subject);
        if (batch.length === 2 && secondRuns) requests += intercept(success);
        const run = plugin.run({
          connector: entry.id, rows: batch.map((f) => f.input), connection, settings: { 'Error behavior': behavior }, concurrency: 1, connectorOptions: clientOptions(),
        });
        const { rows, result } = await run.collect();
        t.equal(result.upstream.requests, requests, `${requests} request(s) made`);
        t.ok(nock.isDone(), `every answer was asked for: ${nock.pendingMocks().join(', ')}`);
        t.notOk(JSON.stringify({ rows, result }).includes(SECRET), 'the secret is nowhere in the output or the result');
        const want = expected(behavior, failing, batch.length);
        t.equal(rows.length, want.rows, `${want.rows} output row(s)`);
        if (want.rows > 0) checkRow(t, rows[0], subject, name);
        if (want.rows > 1) checkRow(t, rows[1], success, 'the row after it');
        t.equal(result.status, want.status);
        if (want.status === 'failed') t.match(result.failure, { row: 1, statusCode: subject.expect.StatusCode });
        if (name === 'rate-limited-then-success') t.ok(result.upstream.rateLimited >= 1 && result.upstream.retries >= 1, 'the 429 was waited out and retried');
      });
    }
  }
}

/** error-behavior.md's table for "row 1 is the case, row 2 succeeds". */
function expected(behavior: ErrorBehavior, failing: boolean, rows: number): { rows: number; status: string } {
  if (!failing) return { rows, status: 'succeeded' };
  if (behavior === 'Fail and return response') return { rows: 1, status: 'failed' };
  if (behavior === 'Fail without response') return { rows: 0, status: 'failed' };
  return { rows, status: 'succeeded with errors' };
}
