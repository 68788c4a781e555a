import { Agent } from 'node:http';
import got from 'got';
import pLimit from 'p-limit';
import { loadPlugin } from '../connectors/index.js';
import { type Plugin } from '../runtime/plugin.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import { contactRows, median, round, timed, type BenchContext, type ScenarioResult } from './common.js';

const ROWS_FULL = 20_000;
const ROWS_QUICK = 3_000;
const CONCURRENCY = 16;
const ROUNDS = 3;

/**
 * Our Get Contact connector (runtime, client, got transport; pacing off, since the simulator has no limits here) vs
 * a bare got loop making the same GETs with the same concurrency and keep-alive. Rounds alternate ours / bare, and
 * each side's median is taken, so a slow moment of the machine does not land on one side only.
 */
export async function http(context: BenchContext, counts?: { rows: number }): Promise<ScenarioResult[]> {
  const rowCount = counts?.rows ?? (context.quick ? ROWS_QUICK : ROWS_FULL);
  const sim = await startSimulator({ limits: false, latencyMs: 0, requestLog: 0 });
  const plugin = await loadPlugin();
  const rows = contactRows(sim, rowCount);
  try {
    context.note(`http: ${rowCount} rows, concurrency ${CONCURRENCY}, ${ROUNDS} rounds each`);
    await ours(plugin, sim, rows.slice(0, 1000)); // warm-up, both sides
    await bare(sim, rows.slice(0, 1000));
    const oursSeconds: number[] = [];
    const bareSeconds: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      oursSeconds.push((await timed(() => ours(plugin, sim, rows))).seconds);
      bareSeconds.push((await timed(() => bare(sim, rows))).seconds);
    }
    const seconds = median(oursSeconds);
    const baseline = median(bareSeconds);
    return [
      {
        scenario: 'http get-contact',
        rows: rowCount,
        seconds: round(seconds, 3),
        rowsPerSecond: Math.round(rowCount / seconds),
        concurrency: CONCURRENCY,
        baselineRowsPerSecond: Math.round(rowCount / baseline),
        ratioToBaseline: round(baseline / seconds, 3),
      },
    ];
  } finally {
    await sim.close();
  }
}

async function ours(plugin: Plugin, sim: RunningSimulator, rows: { Identifier: string }[]): Promise<void> {
  const run = plugin.run({
    connector: 'get-contact',
    rows,
    connection: { Token: sim.token, 'Base URL': sim.baseUrl },
    settings: { 'Error behavior': 'Do not fail and return response' },
    concurrency: CONCURRENCY,
    connectorOptions: { pacing: false },
  });
  let ok = 0;
  for await (const row of run) if (row.StatusCode === 200) ok += 1;
  if (ok !== rows.length) throw new Error(`http: ${rows.length - ok} of ${rows.length} rows failed: ${JSON.stringify((await run.result).failure ?? {})}`);
}

async function bare(sim: RunningSimulator, rows: { Identifier: string }[]): Promise<void> {
  const agent = new Agent({ keepAlive: true });
  const client = got.extend({
    prefixUrl: sim.baseUrl,
    headers: { authorization: `Bearer ${sim.token}` },
    agent: { http: agent },
    timeout: { request: 15_000 },
    retry: { limit: 0 },
    responseType: 'text',
  });
  const limit = pLimit(CONCURRENCY);
  try {
    await Promise.all(rows.map((row) => limit(async () => JSON.parse((await client.get(`contact/${row.Identifier}`)).body) as unknown)));
  } finally {
    agent.destroy();
  }
}
