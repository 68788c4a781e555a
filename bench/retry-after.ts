import { loadPlugin } from '../connectors/index.js';
import { startSimulator } from '../simulator/index.js';
import { contactRows, median, round, timed, type BenchContext, type ScenarioResult } from './common.js';

const ROWS_FULL = 150;
const ROWS_QUICK = 40;
const BURST_MS = 1000;
const ENDPOINT = 'GET /contact/{identifier}';

/**
 * 429s with Retry-After: the simulator's '429' fault (10 % of requests) answers 429 + `Retry-After: 1` and refuses
 * the endpoint for 1 s. For each 429, the time from it to the next request on that endpoint (both from the
 * simulator's log, zero added latency) against the header: below 0 ms over is an early retry (a bug), far above is
 * time wasted.
 */
export async function retryAfter(context: BenchContext, counts?: { rows: number }): Promise<ScenarioResult[]> {
  const rowCount = counts?.rows ?? (context.quick ? ROWS_QUICK : ROWS_FULL);
  const sim = await startSimulator({ limits: 'documented', latencyMs: 0, faults: { rate: 0.1, kinds: ['429'], burstMs: BURST_MS }, requestLog: 100_000 });
  try {
    const plugin = await loadPlugin();
    context.note(`retry-after: ${rowCount} rows of Get Contact, 10 % of requests answered 429 + Retry-After: ${BURST_MS / 1000}`);
    const run = plugin.run({
      connector: 'get-contact',
      rows: contactRows(sim, rowCount),
      connection: { Token: sim.token, 'Base URL': sim.baseUrl },
      settings: { 'Error behavior': 'Do not fail and return response' },
      concurrency: 8,
    });
    const { value, seconds } = await timed(() => run.collect());
    const log = sim.stats.log.filter((entry) => entry.endpoint === ENDPOINT);
    const headerMs = Math.max(1, Math.ceil(BURST_MS / 1000)) * 1000;
    const overHeader: number[] = [];
    log.forEach((entry, i) => {
      const next = log[i + 1];
      if (entry.status === 429 && next) overHeader.push(next.at - entry.at - headerMs);
    });
    return [
      {
        scenario: 'retry-after',
        rows: rowCount,
        seconds: round(seconds, 3),
        rowsPerSecond: round(rowCount / seconds),
        http429: overHeader.length,
        retryAfterMs: headerMs,
        minOverHeaderMs: overHeader.length ? round(Math.min(...overHeader), 2) : null,
        medianOverHeaderMs: overHeader.length ? round(median(overHeader), 2) : null,
        maxOverHeaderMs: overHeader.length ? round(Math.max(...overHeader), 2) : null,
        earlyRetries: overHeader.filter((ms) => ms < 0).length,
        errorRows: value.result.errorRows,
      },
    ];
  } finally {
    await sim.close();
  }
}
