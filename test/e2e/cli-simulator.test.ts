import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { main } from '../../hosts/cli/main.js';
import { errorBehaviors, type ErrorBehavior } from '../../runtime/error-behavior.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';

// End to end: the real CLI, plugin, connectors and client against the simulator — each connector × each setting,
// without faults, with faults the client must recover from, and with faults it must report.

interface CliRun {
  code: number;
  rows: Record<string, unknown>[];
  stderr: string;
}

async function cli(simulator: RunningSimulator, argv: string[], stdin?: string): Promise<CliRun> {
  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  let err = '';
  streams.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  streams.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  streams.stdin.end(stdin ?? '');
  const code = await main([...argv, '--base-url', simulator.baseUrl, '--json-summary'], { ...streams, env: { RESPONDIO_TOKEN: simulator.token } });
  const rows = out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, rows, stderr: err };
}

const example = (name: string): string => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

/** The examples' expected StatusCodes, row by row (examples/README.md says which row is which). */
const expectedStatuses = { 'get-contact': [200, 200, 200, 200, 200, 404, 400], 'get-message': [200, 200, 200, 200, 200, 404, 404, 400] };

/** What error-behavior.md makes of a row-by-row status list. */
function contractRows(statuses: number[], behavior: ErrorBehavior): number[] {
  const k = statuses.findIndex((status) => status !== 200);
  if (k < 0 || behavior === 'Do not fail and return response') return statuses;
  return behavior === 'Fail and return response' ? statuses.slice(0, k + 1) : statuses.slice(0, k);
}

t.test('each connector × each setting over the sample files, documented limits, no faults', async (t) => {
  const simulator = await startSimulator();
  t.teardown(() => simulator.close());
  for (const connector of ['get-contact', 'get-message'] as const) {
    for (const behavior of errorBehaviors) {
      const run = await cli(simulator, ['run', connector, '--input', example(`${connector}.ndjson`), '--error-behavior', behavior]);
      const want = contractRows(expectedStatuses[connector], behavior);
      t.same(run.rows.map((row) => row.StatusCode), want, `${connector} · ${behavior}`);
      t.equal(run.code, want.length === expectedStatuses[connector].length && behavior === 'Do not fail and return response' ? 0 : 1);
      for (const row of run.rows.filter((r) => r.StatusCode !== 200)) t.type(row.Message, 'string');
    }
  }
  t.equal(simulator.stats.totalRateLimited, 0, 'no 429 was sent');
});

/** Rows over contacts that exist, with a not-found one in the middle. */
function contactRows(simulator: RunningSimulator, count: number): string {
  const rows = simulator.data.contacts.slice(0, count).map((contact) => ({ Identifier: `id:${contact.id}` }));
  rows.splice(Math.floor(count / 2), 0, { Identifier: 'id:99999999' });
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

t.test('retryable faults (502/503/504/reset, 30%) are recovered: the same rows as a fault-free run, with retries', async (t) => {
  const clean = await startSimulator({ limits: false });
  const faulty = await startSimulator({ limits: false, faults: { rate: 0.3, kinds: ['502', '503', '504', 'reset'] }, seed: 1 });
  t.teardown(async () => {
    await clean.close();
    await faulty.close();
  });
  const input = contactRows(clean, 24);
  for (const behavior of errorBehaviors) {
    const reference = await cli(clean, ['run', 'get-contact', '--error-behavior', behavior], input);
    const run = await cli(faulty, ['run', 'get-contact', '--error-behavior', behavior], input);
    t.same(run.rows, reference.rows, behavior);
    t.equal(run.code, reference.code);
  }
  const injected = Object.values(faulty.stats.endpoints).reduce((sum, e) => sum + Object.values(e.faults).reduce((a, b) => a + b, 0), 0);
  t.ok(injected > 0, `${injected} faults were injected and recovered from`);
});

t.test('faults the client must not retry (500) end as error rows with the real cause, placed as the setting says', async (t) => {
  const clean = await startSimulator({ limits: false });
  t.teardown(() => clean.close());
  const input = contactRows(clean, 24);
  const reference = await cli(clean, ['run', 'get-contact', '--error-behavior', 'Do not fail and return response'], input);
  for (const behavior of errorBehaviors) {
    // Same seed, so the same data; the faults fall on the same requests in every setting.
    const faulty = await startSimulator({ limits: false, faults: { rate: 0.25, kinds: ['500'] } });
    const run = await cli(faulty, ['run', 'get-contact', '--error-behavior', behavior], input);
    await faulty.close();
    const summary = summaryOf(run.stderr);
    if (behavior === 'Do not fail and return response') {
      t.equal(run.rows.length, reference.rows.length, 'one row per input row');
      const hit = run.rows.filter((row) => row.StatusCode === 500);
      t.ok(hit.length > 0, `${hit.length} rows met a 500`);
      run.rows.forEach((row, i) => {
        if (row.StatusCode === 500) t.match(row, { Message: /\S/, ID: null }, `row ${i + 1} is a 500 error row with its cause`);
        else t.same(row, reference.rows[i], `row ${i + 1} is the fault-free row`);
      });
      continue;
    }
    // A Fail run stops at the first failed row in input order: a 500 here (row 13 is the not-found one, after it).
    const k = summary.failure?.row ?? 0;
    t.equal(summary.status, 'failed');
    t.equal(summary.failure?.statusCode, 500, `${behavior}: the run failed on a 500 at row ${k}`);
    t.same(run.rows.slice(0, k - 1), reference.rows.slice(0, k - 1), 'the rows before it are the fault-free rows');
    if (behavior === 'Fail and return response') {
      t.equal(run.rows.length, k);
      t.match(run.rows[k - 1], { StatusCode: 500, Message: /\S/ });
    } else {
      t.equal(run.rows.length, k - 1, 'no row for the failed one');
    }
  }
});

function summaryOf(stderr: string): { status: string; failure?: { row: number | null; statusCode: number | null } } {
  const line = stderr.split('\n').reverse().find((l) => l.startsWith('{') && l.includes('"status"'));
  if (!line) throw new Error(`no JSON summary on stderr: ${stderr}`);
  return JSON.parse(line) as { status: string; failure?: { row: number | null; statusCode: number | null } };
}

t.test('a batch at the documented limit finishes without a single 429 received', async (t) => {
  const simulator = await startSimulator({ latencyMs: [5, 20] });
  t.teardown(() => simulator.close());
  const input = simulator.data.contacts.slice(0, 30).map((c) => JSON.stringify({ Identifier: `id:${c.id}` })).join('\n');
  const run = await cli(simulator, ['run', 'get-contact', '--concurrency', '32'], input);
  t.equal(run.code, 0);
  t.equal(run.rows.length, 30);
  t.ok(run.rows.every((row) => row.StatusCode === 200));
  t.equal(simulator.stats.totalRateLimited, 0, 'the simulator sent no 429');
  t.match(run.stderr, /"rateLimited":0/, 'and the run result counts none');
});
