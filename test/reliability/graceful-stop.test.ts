import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import t, { type Test } from 'tap';
import { startSimulator } from '../../simulator/index.js';
import { SECRET_TOKEN } from './fault-harness.js';

// SIGTERM / SIGINT to a real CLI process (the sources through tsx) running against the simulator, whose latency keeps
// rows in flight when the signal lands. test/cli/process.test.ts covers the second signal and the fake connector;
// test/cli/interrupt.test.ts the grace period running out.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const simulator = await startSimulator({ seed: 1, contacts: 300, token: SECRET_TOKEN, latencyMs: [100, 250] });
t.teardown(() => simulator.close());
const contacts = simulator.data.contacts.slice(0, 200);
const dir = await mkdtemp(join(tmpdir(), 'rc-stop-'));

interface Summary {
  status: string;
  rowsRead: number;
  rowsEmitted: number;
  errorRows: number;
  interrupted?: { reason: string; afterRow: number; graceExpired: boolean };
}

type TapTest = Test;

async function interruptedRun(t: TapTest, signal: 'SIGTERM' | 'SIGINT', format: 'ndjson' | 'csv', input: string) {
  const file = join(dir, `rows.${format}`);
  await writeFile(file, input);
  const logBefore = simulator.stats.log.length;
  const child = spawn(process.execPath, ['--import', 'tsx', 'hosts/cli/entry.ts', 'run', 'get-contact', '--input', file, '--base-url', simulator.baseUrl, '--concurrency', '4', '--json-summary', '--error-behavior', 'do-not-fail-and-return-response'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', RESPONDIO_TOKEN: SECRET_TOKEN },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = once(child, 'close');
  // Signal once the first rows are out: the run is then mid-way, with rows read ahead and calls in flight.
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.split('\n').length > 3) resolve();
    });
  });
  child.kill(signal);
  const [code] = (await exit) as [number | null];
  const summary = JSON.parse(stderr.trimEnd().split('\n').at(-1) as string) as Summary;
  t.equal(code, 1, 'exit 1: the run was interrupted', { stderr });
  t.match(stderr, new RegExp(`${signal}: stopping gracefully`));
  t.ok(stdout.endsWith('\n'), 'the output ends with a whole line');
  t.notOk(stdout.includes(SECRET_TOKEN) || stderr.includes(SECRET_TOKEN), 'the token is nowhere');
  t.match(summary, { status: 'succeeded', interrupted: { reason: signal, graceExpired: false } });
  const afterRow = summary.interrupted?.afterRow ?? -1;
  t.ok(afterRow > 0 && afterRow < contacts.length, `stopped after row ${afterRow} of ${contacts.length}`);
  t.equal(summary.rowsRead, afterRow, 'nothing read after the signal');
  t.equal(summary.rowsEmitted, afterRow, 'every row read was finished and written');
  // The simulator enforces respond.io's rate limit on arrival, so under a loaded machine two paced requests can
  // arrive too close together: a 429, then the client's retry of that row. That is not a row asked twice because of
  // the stop, so requests are counted per URL, and every earlier attempt at a URL must have been a 429.
  const requests = simulator.stats.log.slice(logBefore);
  const attemptsByUrl = new Map<string, number[]>();
  for (const { url, status } of requests) attemptsByUrl.set(String(url), [...(attemptsByUrl.get(String(url)) ?? []), status]);
  const asked = contacts.slice(0, afterRow).map((contact) => `/v2/contact/id:${contact.id}`);
  t.same([...attemptsByUrl.keys()].sort(), [...asked].sort(), 'exactly the rows read were asked for: none started after the stop');
  const repeatedWithout429 = [...attemptsByUrl].filter(([, statuses]) => statuses.slice(0, -1).some((status) => status !== 429));
  t.same(repeatedWithout429, [], 'none asked twice, except a retry after a 429');
  t.ok([...attemptsByUrl.values()].every((statuses) => statuses.at(-1) === 200), 'every row asked ended with its answer');
  return { stdout, afterRow };
}

t.test('SIGTERM mid-run (NDJSON): rows read finish in order, whole lines, the summary says where it stopped', async (t) => {
  const input = contacts.map((contact) => JSON.stringify({ Identifier: `id:${contact.id}` }) + '\n').join('');
  const { stdout, afterRow } = await interruptedRun(t, 'SIGTERM', 'ndjson', input);
  const ids = stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { ID: number }).ID);
  t.same(ids, contacts.slice(0, afterRow).map((contact) => contact.id), 'the first rows, in input order, each once');
});

t.test('SIGINT mid-run (CSV): a header and whole records only', async (t) => {
  const input = 'Identifier\n' + contacts.map((contact) => `id:${contact.id}\n`).join('');
  const { stdout, afterRow } = await interruptedRun(t, 'SIGINT', 'csv', input);
  const records = parse(stdout, { columns: true }) as { StatusCode: string; ID: string }[];
  t.same(records.map((record) => Number(record.ID)), contacts.slice(0, afterRow).map((contact) => contact.id));
  t.ok(records.every((record) => record.StatusCode === '200'));
});
