import t, { type Test } from 'tap';
import { checkpoint, slowdownPercent } from '../../bench/checkpoint.js';
import type { BenchContext, ScenarioResult } from '../../bench/common.js';
import { http } from '../../bench/http.js';
import { overhead } from '../../bench/overhead.js';
import { arrivalRate, pacing } from '../../bench/pacing.js';
import { retryAfter } from '../../bench/retry-after.js';
import { formatTable } from '../../bench/table.js';

// The bench's scenario functions on tiny inputs: shapes only. No timing is asserted here (benchmarks are not tests).
const context: BenchContext = { quick: true, note: () => undefined };

const hasCommonFields = (t: Test, result: ScenarioResult): void => {
  t.type(result.scenario, 'string');
  t.type(result.rows, 'number');
  t.type(result.seconds, 'number');
  t.type(result.rowsPerSecond, 'number');
  t.doesNotThrow(() => JSON.parse(JSON.stringify(result)), 'serialisable as one JSON line');
};

t.test('overhead: one result per concurrency, with the bare loop beside it', async (t) => {
  const results = await overhead(context, { rows: 300 });
  t.same(results.map((r) => r.concurrency), [1, 16]);
  for (const result of results) {
    hasCommonFields(t, result);
    t.match(result, { rows: 300, usPerRow: Number, bareRowsPerSecond: Number, bareUsPerRow: Number, runtimeUsPerRow: Number });
  }
});

t.test('http: our connector and the bare got loop over the same rows', async (t) => {
  const [result] = await http(context, { rows: 40 });
  hasCommonFields(t, result as ScenarioResult);
  t.match(result, { scenario: 'http get-contact', rows: 40, concurrency: 16, baselineRowsPerSecond: Number, ratioToBaseline: Number });
});

t.test('checkpoint: the same file batch with and without a journal, side by side', async (t) => {
  const results = await checkpoint(context, { throughput: 300, memory: 0 });
  t.equal(results.length, 1, 'memory 0: the throughput only');
  const [result] = results;
  hasCommonFields(t, result as ScenarioResult);
  t.match(result, { scenario: 'checkpoint throughput c=16', rows: 300, baselineRowsPerSecond: Number, slowdownPercent: Number, cpuUsPerRow: Number, baselineCpuUsPerRow: Number, cpuSlowdownPercent: Number });
});

t.test('slowdownPercent: the share of the baseline rows/s lost, negative when faster', async (t) => {
  t.equal(slowdownPercent(1000, 850), 15);
  t.equal(slowdownPercent(1000, 1000), 0);
  t.equal(slowdownPercent(800, 1000), -25);
  t.equal(slowdownPercent(3, 2), 33.3, 'rounded to a tenth');
});

t.test('retry-after: every 429 is matched with the next request', async (t) => {
  // 8 rows: with the simulator's seeded faults they meet one 429 (a scenario without any would prove nothing).
  const [result] = await retryAfter(context, { rows: 8 });
  hasCommonFields(t, result as ScenarioResult);
  t.match(result, { scenario: 'retry-after', rows: 8, retryAfterMs: 1000, earlyRetries: 0, errorRows: 0 });
  t.ok(Number((result as unknown as { http429: number }).http429) > 0, 'the scenario did meet 429s');
});

t.test('pacing: both connectors, with the naive reference', async (t) => {
  const results = await pacing(context, { seconds: 0.2 });
  t.same(results.map((r) => r.scenario), ['pacing get-contact', 'pacing get-message']);
  for (const result of results) {
    hasCommonFields(t, result);
    t.match(result, { limitRps: Number, ratioToLimit: Number, http429: 0, retries: 0, naiveRowsPerSecond: Number, naiveHttp429: Number });
  }
});

t.test('arrivalRate: (n − 1) intervals over the first-to-last span', async (t) => {
  const entry = (at: number) => ({ endpoint: 'GET /x', status: 200, at });
  t.same(arrivalRate([entry(0), entry(100), entry(250)]), { rps: 8, minGapMs: 100, medianGapMs: 125 });
  t.same(arrivalRate([entry(5)]), { rps: 0, minGapMs: 0, medianGapMs: 0 });
});

t.test('the table: one line per result, a holds column', async (t) => {
  const table = formatTable([
    { scenario: 'overhead c=16', rows: 10, seconds: 1, rowsPerSecond: 10, concurrency: 16, usPerRow: 1, bareUsPerRow: 0.1 },
    { scenario: 'memory 100', rows: 100, seconds: 1, rowsPerSecond: 100, peakRssMb: 90 },
    { scenario: 'memory 1000', rows: 1000, seconds: 1, rowsPerSecond: 1000, peakRssMb: 99, ratioToSmaller: 1.1 },
    { scenario: 'hostile 500 MB answers', rows: 3, seconds: 1, rowsPerSecond: 3, peakRssMb: 320, errorRows: 2, mbServed: 9, mbAnnounced: 1000 },
    { scenario: 'checkpoint throughput c=16', rows: 10, seconds: 1, rowsPerSecond: 80, baselineRowsPerSecond: 100, slowdownPercent: 20, cpuSlowdownPercent: 4 },
    { scenario: 'checkpoint memory 100', rows: 100, seconds: 1, rowsPerSecond: 100, peakRssMb: 105, baselinePeakRssMb: 100, ratioToBaseline: 1.05 },
  ]);
  const lines = table.split('\n');
  t.equal(lines.length, 8);
  t.match(lines[6], /checkpoint throughput c=16.*20 % slower than without \(100 rows\/s\) · CPU 4 %.*≤ 15 % slower.*NO/);
  t.match(lines[7], /checkpoint memory 100.*ratio to without 1.05 \(100\).*ratio ≤ 1.1.*yes/);
  t.match(lines[5], /hostile 500 MB answers.*peakRssMb 320 · 2 error rows.*< 300 MB.*NO/);
  t.match(lines[0], /scenario.*holds/);
  t.match(lines[2], /overhead c=16.*NO/);
  t.match(lines[4], /memory 1000.*ratio to smaller 1.1.*yes/);
});
