import { Agent } from 'node:http';
import got from 'got';
import pLimit from 'p-limit';
import { loadPlugin } from '../connectors/index.js';
import { type Plugin } from '../runtime/plugin.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import type { RequestLogEntry } from '../simulator/stats.js';
import { contactRows, median, messageRows, round, sleep, timed, type BenchContext, type ScenarioResult } from './common.js';

/** Added latency per request: a respond.io answer over the internet takes tens of milliseconds. */
export const PACING_LATENCY_MS: [number, number] = [20, 80];
const SECONDS_FULL = 15;
const SECONDS_QUICK = 3;

interface Case {
  connector: 'get-contact' | 'get-message';
  endpoint: string;
  limitRps: number;
  rows(sim: RunningSimulator, count: number): Record<string, string>[];
  path(row: Record<string, string>): string;
}

const cases: Case[] = [
  { connector: 'get-contact', endpoint: 'GET /contact/{identifier}', limitRps: 10, rows: contactRows, path: (row) => `contact/${row.Identifier}` },
  {
    connector: 'get-message',
    endpoint: 'GET /contact/{identifier}/message/{messageId}',
    limitRps: 15,
    rows: messageRows,
    path: (row) => `contact/${row.Identifier}/message/${row.MessageID}`,
  },
];

/**
 * Achieved rate over the steady state, from the simulator's own log of arrivals on the endpoint: (n − 1) intervals
 * between the first and the last accepted request, over that span. The first request does not wait for anything, so
 * counting from it (not from the run's start) measures the pace alone, not the start-up or the last answer's latency.
 */
export function arrivalRate(entries: readonly RequestLogEntry[]): { rps: number; minGapMs: number; medianGapMs: number } {
  const times = entries.map((entry) => entry.at);
  if (times.length < 2) return { rps: 0, minGapMs: 0, medianGapMs: 0 };
  const gaps = times.slice(1).map((time, i) => time - (times[i] as number));
  const spanMs = (times.at(-1) as number) - (times[0] as number);
  return { rps: ((times.length - 1) * 1000) / spanMs, minGapMs: Math.min(...gaps), medianGapMs: median(gaps) };
}

/** Pacing at respond.io's documented limits, against a naive loop over the same rows on the same simulator. */
export async function pacing(context: BenchContext, counts?: { seconds: number }): Promise<ScenarioResult[]> {
  const seconds = counts?.seconds ?? (context.quick ? SECONDS_QUICK : SECONDS_FULL);
  const sim = await startSimulator({ limits: 'documented', latencyMs: PACING_LATENCY_MS, requestLog: 100_000 });
  const plugin = await loadPlugin();
  const results: ScenarioResult[] = [];
  try {
    for (const item of cases) {
      const rows = item.rows(sim, Math.round(seconds * item.limitRps) + 1);
      context.note(`pacing: ${item.connector}, ${rows.length} rows at ${item.limitRps}/s (latency ${PACING_LATENCY_MS.join('-')} ms)`);
      const ours = await paced(plugin, sim, item, rows);
      // The simulator's window is a trailing second: let it empty so the naive loop starts from the same state.
      await sleep(1100);
      context.note(`pacing: the naive loop over the same ${rows.length} rows`);
      const naive = await naiveLoop(sim, item, rows);
      await sleep(1100);
      results.push({
        scenario: `pacing ${item.connector}`,
        rows: rows.length,
        seconds: round(ours.seconds, 3),
        rowsPerSecond: round(rows.length / ours.seconds),
        limitRps: item.limitRps,
        achievedRps: round(ours.rate.rps, 3),
        ratioToLimit: round(ours.rate.rps / item.limitRps, 4),
        minGapMs: round(ours.rate.minGapMs, 2),
        medianGapMs: round(ours.rate.medianGapMs, 2),
        http429: ours.http429,
        retries: ours.retries,
        errorRows: ours.errorRows,
        latencyMs: PACING_LATENCY_MS.join('-'),
        naiveRowsPerSecond: round(rows.length / naive.seconds),
        naiveSeconds: round(naive.seconds, 3),
        naiveHttp429: naive.http429,
        naiveFailedRows: naive.failed,
      });
    }
  } finally {
    await sim.close();
  }
  return results;
}

async function paced(plugin: Plugin, sim: RunningSimulator, item: Case, rows: Record<string, string>[]) {
  const logStart = sim.stats.log.length;
  const run = plugin.run({
    connector: item.connector,
    rows,
    connection: { Token: sim.token, 'Base URL': sim.baseUrl },
    settings: { 'Error behavior': 'Do not fail and return response' },
    concurrency: 8,
  });
  const { value, seconds } = await timed(() => run.collect());
  const entries = sim.stats.log.slice(logStart).filter((entry) => entry.endpoint === item.endpoint && entry.status !== 429);
  return {
    seconds,
    rate: arrivalRate(entries),
    http429: value.result.upstream.rateLimited,
    retries: value.result.upstream.retries,
    errorRows: value.result.errorRows,
  };
}

/** What peers do: got's defaults (2 retries on 429, Retry-After honoured) and 10 calls in flight, no pacing. */
async function naiveLoop(sim: RunningSimulator, item: Case, rows: Record<string, string>[]) {
  const before = sim.stats.endpoints[item.endpoint]?.byStatus['429'] ?? 0;
  const agent = new Agent({ keepAlive: true });
  const client = got.extend({ prefixUrl: sim.baseUrl, headers: { authorization: `Bearer ${sim.token}` }, agent: { http: agent }, timeout: { request: 15_000 } });
  const limit = pLimit(10);
  let failed = 0;
  try {
    const { seconds } = await timed(() =>
      Promise.all(rows.map((row) => limit(() => client.get(item.path(row)).json().catch(() => (failed += 1))))),
    );
    return { seconds, http429: (sim.stats.endpoints[item.endpoint]?.byStatus['429'] ?? 0) - before, failed };
  } finally {
    agent.destroy();
  }
}
