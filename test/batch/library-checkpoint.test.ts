/**
 * The library's checkpointed file batch (issue 12, item 7): plugin.run({ rows: { file }, output: { file },
 * checkpoint: { file } }) against the real simulator, cancelled mid-run, its output torn, resumed by the same call.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigurationError, loadPlugin, type FileRunRequest } from '../../index.js';
import { runFiles } from '../../batch/library-run.js';
import { readJournal } from '../../runtime/checkpoint/journal.js';
import { Plugin } from '../../runtime/plugin.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import { startSimulator } from '../../simulator/index.js';
import { fakeConnector, fakeManifest, TEST_TOKEN, type FakeOptions } from '../helpers/fake-connector.js';

const N = 40;
const simulator = await startSimulator({ seed: 7, contacts: 80, limits: false, latencyMs: [5, 25], requestLog: 10_000 });
t.teardown(() => simulator.close());
const plugin = await loadPlugin();
t.teardown(() => plugin.close());
const dir = await mkdtemp(join(tmpdir(), 'rc-lib-checkpoint-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

// Distinct contacts, so a request names its row; row 7 does not exist (404), row 12 is refused before any call (400).
const identifiers = simulator.data.contacts.slice(0, N).map((contact, i) => (i === 6 ? 'id:999999999' : i === 11 ? 'phone:60123' : `id:${contact.id}`));
const input = join(dir, 'in.ndjson');
writeFileSync(input, identifiers.map((Identifier) => JSON.stringify({ Identifier }) + '\n').join(''));

const request = (output: string, extra: Partial<FileRunRequest> = {}): FileRunRequest => ({
  connector: 'get-contact',
  rows: { file: input },
  output: { file: output },
  connection: { Token: simulator.token, 'Base URL': simulator.baseUrl },
  settings: { 'Error behavior': 'Do not fail and return response' },
  concurrency: 4,
  connectorOptions: { pacing: false }, // the simulator's limits are off: the test is about rows, not pace
  ...extra,
});
const requestsSince = (from: number): string[] => simulator.stats.log.slice(from).map((entry) => entry.url ?? '');

const reference = join(dir, 'reference.ndjson');
const uninterrupted = await plugin.run(request(reference));
const expected = readFileSync(reference, 'utf8');

t.test('an uninterrupted file run writes one row per input row, without a journal', async (t) => {
  t.match(uninterrupted, { status: 'succeeded with errors', rowsRead: N, rowsEmitted: N, errorRows: 2 });
  t.notOk('resumed' in uninterrupted, 'a fresh run did not resume');
  const statuses = expected.trim().split('\n').map((line) => (JSON.parse(line) as { StatusCode: number }).StatusCode);
  t.same([statuses.length, statuses[6], statuses[11], statuses.filter((code) => code === 200).length], [N, 404, 400, N - 2]);
});

t.test('cancelled mid-run, its output torn mid-line, the same call resumes into the uninterrupted output', async (t) => {
  const output = join(dir, 'out.ndjson');
  const journal = join(dir, 'out.journal');
  const stop = new AbortController();
  const logAtStart = simulator.stats.log.length;
  // Cancel once 15 requests were made (a third of the batch): when exactly does not decide the verdict.
  const watch = setInterval(() => simulator.stats.log.length - logAtStart >= 15 && stop.abort(new Error('stop')), 1);
  const first = await plugin.run(request(output, { checkpoint: { file: journal }, signal: stop.signal }));
  clearInterval(watch);
  t.equal(first.status, 'cancelled', 'the first leg was cancelled');
  const committed = (await readJournal(journal))?.committed.row ?? 0;
  t.ok(committed > 0 && committed < N, `the journal committed part of the batch (rows 1-${committed})`);

  appendFileSync(output, '{"StatusCode":200,"Message":null,"ID":10'); // a crash in the middle of the next write
  const logAtResume = simulator.stats.log.length;
  const second = await plugin.run(request(output, { checkpoint: { file: journal } }));
  t.match(second, { status: 'succeeded with errors', rowsRead: N, rowsEmitted: N, errorRows: 2, resumed: { fromRow: committed + 1 } }, 'counted over both legs');
  t.equal(readFileSync(output, 'utf8'), expected, 'same bytes as the uninterrupted run: every row once, in order, the torn line gone');
  const committedUrls = new Set(identifiers.slice(0, committed).map((identifier) => `/v2/contact/${identifier}`));
  t.same(requestsSince(logAtResume).filter((url) => committedUrls.has(url)), [], 'no committed row was requested again');
  t.ok(requestsSince(logAtResume).includes(`/v2/contact/${identifiers[N - 1]}`), 'the rows after the watermark were requested');
  t.notOk(existsSync(journal), 'a finished run removes its journal');
});

t.test('a journal of another run is refused, saying what differs; restart starts over', async (t) => {
  const output = join(dir, 'failed.ndjson');
  const journal = join(dir, 'failed.journal');
  const failed = await plugin.run(request(output, { checkpoint: { file: journal }, settings: { 'Error behavior': 'Fail and return response' } }));
  t.match(failed, { status: 'failed', failure: { row: 7 } }, 'the first leg failed at the 404');
  t.equal((await readJournal(journal))?.committed.row, 6, 'the journal stopped before the failed row');
  const before = readFileSync(output, 'utf8');
  const logBefore = simulator.stats.log.length;

  const refused = await plugin.run(request(output, { checkpoint: { file: journal } })).catch((error: unknown) => error);
  t.type(refused, ConfigurationError);
  t.match(refused, { code: 'RC_CHECKPOINT_MISMATCH', message: /checkpoint\.file ".*failed\.journal" is the journal of another run: settings: Error behavior "Fail and return response" → "Do not fail and return response"/ });
  t.match((refused as Error).message, /make the same call, or use checkpoint: \{ file, restart: true \}/, 'it says how to resume or start over');
  t.equal(simulator.stats.log.length, logBefore, 'no request was made');
  t.equal(readFileSync(output, 'utf8'), before, 'the output was not touched');

  const restarted = await plugin.run(request(output, { checkpoint: { file: journal, restart: true } }));
  t.match(restarted, { status: 'succeeded with errors', rowsRead: N, rowsEmitted: N });
  t.notOk('resumed' in restarted, 'it started over');
  t.equal(readFileSync(output, 'utf8'), expected, 'the whole batch, written afresh');
});

t.test('a source that cannot be opened again is refused with a configuration error saying what to pass', async (t) => {
  const journal = join(dir, 'never.journal');
  const base = { connector: 'get-contact', connection: { Token: simulator.token, 'Base URL': simulator.baseUrl } };
  async function* generated(): AsyncGenerator<{ Identifier: string }> {
    yield { Identifier: 'id:1' };
  }
  const logBefore = simulator.stats.log.length;
  for (const [what, rows] of [['an array', [{ Identifier: 'id:1' }]], ['an async iterable', generated()]] as const) {
    const thrown = (() => {
      try {
        plugin.run({ ...base, rows, checkpoint: { file: journal } });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    t.type(thrown, ConfigurationError, `${what} with a checkpoint throws at once`);
    t.match(thrown, { code: 'RC_INVALID_OPTION', message: /^checkpoint needs rows that can be opened again at an offset: .*Pass rows: \{ file: 'input\.ndjson' \} .*and output: \{ file: 'output\.ndjson' \} instead$/ });
  }
  t.throws(() => plugin.run({ ...base, rows: [{ Identifier: 'id:1' }], output: { file: join(dir, 'x.ndjson') } }), { code: 'RC_INVALID_OPTION', message: /^output needs rows that can be opened again/ });
  await t.rejects(plugin.run({ ...base, rows: { file: input } } as unknown as FileRunRequest), { code: 'RC_INVALID_OPTION', message: /rows: \{ file \} needs output: \{ file/ });
  await t.rejects(plugin.run({ ...base, rows: { file: join(dir, 'missing.ndjson') }, output: { file: join(dir, 'y.ndjson') }, checkpoint: { file: journal } }), {
    code: 'RC_INVALID_OPTION',
    message: /^rows\.file ".*missing\.ndjson" cannot be read: ENOENT$/,
  });
  t.equal(simulator.stats.log.length, logBefore, 'nothing was requested');
  t.notOk(existsSync(journal), 'no journal was written');
});

t.test('a non-idempotent row in flight at the cancel becomes RC_OUTCOME_UNKNOWN on resume and is not sent again', async (t) => {
  // The fake connector (test/helpers/fake-connector.ts) declared not idempotent, as Send Event is.
  const manifest = { ...fakeManifest, connectors: fakeManifest.connectors.map((entry) => ({ ...entry, idempotent: false })) };
  const registry = SchemaRegistry.load();
  const pluginWith = (options: FakeOptions): Plugin => new Plugin(manifest, registry, [fakeConnector(options)], undefined, runFiles);
  const rowsIn = join(dir, 'send.ndjson');
  const count = 12;
  writeFileSync(rowsIn, Array.from({ length: count }, (_, i) => JSON.stringify({ Identifier: `id:${i + 1}` }) + '\n').join(''));
  const output = join(dir, 'send-out.ndjson');
  const journal = join(dir, 'send.journal');
  const call = (plugin: Plugin, signal?: AbortSignal) =>
    plugin.run({
      connector: 'fake-contact',
      rows: { file: rowsIn },
      output: { file: output },
      checkpoint: { file: journal },
      connection: { Token: TEST_TOKEN },
      settings: { 'Error behavior': 'Do not fail and return response' },
      concurrency: 4,
      ...(signal ? { signal } : {}),
    });
  const stop = new AbortController();
  // Row 6 hangs until the run is cancelled: its call may have left, its outcome is unknown.
  const first = await call(pluginWith({ delay: (identifier) => (identifier === 'id:6' ? (stop.abort(new Error('stop')), 60_000) : 0) }), stop.signal);
  t.equal(first.status, 'cancelled');
  const recorded = await readJournal(journal);
  t.ok(recorded?.intents.has(6) && !recorded.outcomes.has(6), 'row 6 has an intent and no outcome');
  const unknown = [...(recorded?.intents ?? [])].filter((n) => !recorded?.outcomes.has(n));

  const calls: string[] = [];
  const second = await call(pluginWith({ calls }));
  const rows = readFileSync(output, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { StatusCode: number; Message: string | null; FirstName: string | null });
  t.equal(rows.length, count, 'one row per input row');
  t.match(rows[5], { StatusCode: 500, Message: /row 6 may have been sent .* outcome is unknown/ });
  t.equal(second.errorRows, unknown.length, 'every row with an intent and no outcome is an error row');
  t.same(calls.filter((identifier) => unknown.includes(Number(identifier.slice(3)))), [], 'none of them is sent again');
  t.same(rows.map((row) => row.FirstName), Array.from({ length: count }, (_, i) => (unknown.includes(i + 1) ? null : `id:${i + 1}`)), 'every other row, in input order');
});
