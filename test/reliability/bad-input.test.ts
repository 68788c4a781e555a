import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { errorBehaviors } from '../../runtime/error-behavior.js';
import { loadPlugin } from '../../connectors/index.js';
import { type Plugin, type RunRequest } from '../../runtime/plugin.js';
import { startSimulator } from '../../simulator/index.js';
import { cliInProcess, type CliOutcome } from '../helpers/cli-in-process.js';
import { SECRET_TOKEN } from './fault-harness.js';

// The bad-input corpus (test/fixtures/bad-input/cases.json) through the CLI, in process, against the simulator:
// no crash, no request for an invalid row, a message naming the column or the line, and the run goes on (or stops)
// where each error behavior says. Every output is also searched for the token.

interface Case {
  name: string;
  connector: 'get-contact' | 'get-message';
  format: 'ndjson' | 'csv' | 'json';
  input: string;
  /** Outcome of each input row under 'Do not fail and return response'. */
  rows: [number, number | string][];
  inputFails?: string;
  generate?: { placeholder: string; char: string; length: number };
}

const { cases } = JSON.parse(readFileSync(new URL('../fixtures/bad-input/cases.json', import.meta.url), 'utf8')) as { cases: Case[] };
const simulator = await startSimulator({ seed: 1, token: SECRET_TOKEN, limits: false });
t.teardown(() => simulator.close());

// The CLI passes only the error behavior; the runs here lift the client's pacing (the 'Rate limits' setting an
// organization with raised limits would set) so 250 runs do not wait on respond.io's 10 requests per second.
const real = await loadPlugin();
const fast = 1000;
const plugin = new Proxy(real, {
  get(target, property, receiver) {
    if (property !== 'run') return Reflect.get(target, property, receiver) as unknown;
    return (request: RunRequest) =>
      target.run({ ...request, settings: { ...request.settings, 'Rate limits': { 'GET /contact/{identifier}': fast, 'GET /contact/{identifier}/message/{messageId}': fast } } });
  },
}) as Plugin;

const cli = (argv: string[], stdinText: string): Promise<CliOutcome> => cliInProcess(argv, stdinText, { env: { RESPONDIO_TOKEN: SECRET_TOKEN }, plugin });

function outputRows(format: Case['format'], text: string): Record<string, unknown>[] {
  if (format === 'ndjson') return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  if (format === 'json') return JSON.parse(text) as Record<string, unknown>[];
  const records = parse(text, { columns: true }) as Record<string, string>[];
  return records.map((record) => ({ ...record, StatusCode: Number(record.StatusCode), ID: record.ID === '' ? null : Number(record.ID) }));
}

const kebab = (behavior: string): string => behavior.toLowerCase().replace(/\s+/g, '-');

t.ok(cases.length >= 50, `${cases.length} cases in the corpus`);

for (const c of cases) {
  t.test(c.name, async (t) => {
    const input = c.generate ? c.input.replace(c.generate.placeholder, c.generate.char.repeat(c.generate.length)) : c.input;
    for (const behavior of errorBehaviors) {
      const failsRun = behavior !== 'Do not fail and return response';
      // Fail settings: the first non-200 row in input order ends the run (with its error row, or without).
      const firstBad = c.rows.findIndex(([status]) => status !== 200);
      const stop = failsRun && firstBad >= 0 ? firstBad : undefined;
      const expected = stop === undefined ? c.rows : c.rows.slice(0, behavior === 'Fail and return response' ? stop + 1 : stop);
      const reached = stop === undefined ? c.rows : c.rows.slice(0, stop + 1);
      const expectedRequests = reached.filter(([status]) => status !== 400).length;

      const before = simulator.stats.totalRequests;
      // Fail settings run one row at a time, so no row after the stop is in flight (and the request count is exact).
      const run = await cli(['run', c.connector, '-f', c.format, '--base-url', simulator.baseUrl, '--error-behavior', kebab(behavior), ...(failsRun ? ['--concurrency', '1'] : [])], input);
      const requests = simulator.stats.totalRequests - before;

      t.notMatch(run.stderr, /unexpected error|\n\s+at /, `${behavior}: no crash, no stack`);
      t.notOk(run.stdout.includes(SECRET_TOKEN) || run.stderr.includes(SECRET_TOKEN), `${behavior}: the token appears nowhere`);
      const rows = outputRows(c.format, run.stdout);
      t.equal(rows.length, expected.length, `${behavior}: ${expected.length} output rows`, { stdout: run.stdout.slice(0, 2000), stderr: run.stderr.slice(0, 2000) });
      expected.forEach(([status, detail], j) => {
        const row = rows[j] ?? {};
        t.equal(row.StatusCode, status, `${behavior}: row ${j + 1} StatusCode`, { row: JSON.stringify(row).slice(0, 500) });
        if (status === 200) {
          t.equal(typeof detail === 'number' ? row.ID : row.MessageID, detail, `${behavior}: row ${j + 1} is its own record`);
        } else {
          t.match(String(row.Message), new RegExp(String(detail)), `${behavior}: row ${j + 1} says what is wrong`);
          if (status === 400) t.match(String(row.Message), /Identifier|MessageID|column '|line \d+|a row must be a JSON object/, `${behavior}: row ${j + 1} names the column, the line or the row's shape`);
          t.ok(String(row.Message).length < 2000, `${behavior}: row ${j + 1} message stays short`);
        }
      });
      t.equal(requests, expectedRequests, `${behavior}: ${expectedRequests} requests (none for an invalid row)`);

      const inputFailed = c.inputFails !== undefined && stop === undefined;
      const runFailed = inputFailed || (failsRun && stop !== undefined);
      t.equal(run.code, runFailed ? 1 : 0, `${behavior}: exit code`, { stderr: run.stderr.slice(0, 2000) });
      if (inputFailed) t.match(run.stderr, new RegExp(`failed · task status 307[\\s\\S]*${c.inputFails}`), `${behavior}: the input failed, said on stderr`);
      if (failsRun && stop !== undefined) t.match(run.stderr, new RegExp(`failed at row ${stop + 1}: RC_[A-Z_]+ ${c.rows[stop]?.[0]}`), `${behavior}: the summary names row ${stop + 1}`);
    }
  });
}

t.test('no input polluted a prototype', async (t) => {
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.equal(({} as Record<string, unknown>).Identifier, undefined);
});
