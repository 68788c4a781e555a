import type { ScenarioResult } from './common.js';

/** The figure each scenario is judged by, and its target (the issue's). */
const headline: Record<string, (r: ScenarioResult) => [figure: string, target: string, holds: boolean | undefined]> = {
  pacing: (r) => [`ratioToLimit ${r.ratioToLimit} · 429s ${r.http429} (naive: ${r.naiveRowsPerSecond} rows/s, ${r.naiveHttp429} × 429)`, '≥ 0.98, 0 × 429', (r.ratioToLimit as number) >= 0.98 && r.http429 === 0],
  overhead: (r) => [`${r.usPerRow} µs/row (bare loop ${r.bareUsPerRow} µs/row)`, r.concurrency === 16 ? '≥ 100,000 rows/s' : '—', r.concurrency === 16 ? r.rowsPerSecond >= 100_000 : undefined],
  checkpoint: (r) =>
    r.slowdownPercent !== undefined
      ? [`${r.slowdownPercent} % slower than without (${r.baselineRowsPerSecond} rows/s) · CPU ${r.cpuSlowdownPercent} %`, '≤ 15 % slower', (r.slowdownPercent as number) <= 15]
      : [`peakRssMb ${r.peakRssMb} · ratio to without ${r.ratioToBaseline} (${r.baselinePeakRssMb})`, 'ratio ≤ 1.1', (r.ratioToBaseline as number) <= 1.1],
  http: (r) => [`ratioToBaseline ${r.ratioToBaseline} (bare got ${r.baselineRowsPerSecond} rows/s)`, '≥ 0.9', (r.ratioToBaseline as number) >= 0.9],
  memory: (r) => [
    `peakRssMb ${r.peakRssMb}${r.ratioToSmaller === undefined ? '' : ` · ratio to smaller ${r.ratioToSmaller}`}`,
    r.nodeOptions !== undefined ? `node ${r.nodeOptions}` : r.ratioToSmaller === undefined ? '< 150 MB' : '< 150 MB, ratio ≤ 1.2',
    (r.peakRssMb as number) < 150 && (r.ratioToSmaller === undefined || (r.ratioToSmaller as number) <= 1.2),
  ],
  hostile: (r) => [`peakRssMb ${r.peakRssMb} · ${r.errorRows} error rows · ${r.mbServed} of ${r.mbAnnounced} MB read`, '< 300 MB, every row', (r.peakRssMb as number) < 300],
  'shared-budget': sharedBudgetHeadline,
  'shared-budget-guard': (r) => [`ratioToLimit ${r.ratioToLimit} (ceiling ${r.ceiling}) · 429s ${r.http429}`, '≥ 0.97, 0 × 429', (r.ratioToLimit as number) >= 0.97 && r.http429 === 0],
  'retry-after': (r) => [`over header min ${r.minOverHeaderMs} / median ${r.medianOverHeaderMs} / max ${r.maxOverHeaderMs} ms (${r.http429} × 429)`, '0 … 100 ms', r.earlyRetries === 0 && (r.maxOverHeaderMs as number) <= 100],
};

/** A cell (shared beside per-process), the coalescing row or a foreign-consumer row: told apart by their fields. */
function sharedBudgetHeadline(r: ScenarioResult): [string, string, boolean | undefined] {
  if (r.measured === false) return [String(r.note), '≥ 1.8 × limit (rows/s)', undefined];
  if (r.ratioToRemaining !== undefined) {
    const holds = (r.http429PerMinute as number) <= 1 && (r.ratioToRemaining as number) >= 0.9;
    return [`${r.http429PerMinute} × 429/min (${r.http429}) · ratioToRemaining ${r.ratioToRemaining} · foreign refused ${r.foreignRefused}`, '≤ 1 × 429/min, ≥ 0.9', holds];
  }
  if (r.requests !== undefined) {
    const without = r.withoutRatioToLimit === undefined ? '' : ` (coalesce off: ${r.withoutRatioToLimit} ×, ${r.withoutRequests} requests)`;
    return [`rows/s ${r.ratioToLimit} × limit, ${r.requests} requests for ${r.rows} rows · 429s ${r.http429}${without}`, '≥ 1.8 × limit (rows/s)', (r.ratioToLimit as number) >= 1.8];
  }
  const floor = r.processes === 1 ? 0.98 : 0.97;
  return [
    `ratioToLimit ${r.ratioToLimit} · 429s ${r.http429} (per-process pacer: ${r.perProcessRatioToLimit}, ${r.perProcessHttp429} × 429)`,
    `≥ ${floor}, 0 × 429`,
    (r.ratioToLimit as number) >= floor && r.http429 === 0,
  ];
}

/** The human-readable table that ends a run. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'rows', 'seconds', 'rows/s', 'figure', 'target', 'holds'];
  const body = results.map((r) => {
    const [figure, target, holds] = (headline[r.scenario.split(' ')[0] as string] ?? (() => ['', '', undefined]))(r);
    return [r.scenario, String(r.rows), String(r.seconds), String(r.rowsPerSecond), figure, target, holds === undefined ? '' : holds ? 'yes' : 'NO'];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
