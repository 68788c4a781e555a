import type { RunResult } from '../../runtime/run-result.js';
import type { Resumption } from '../../batch/checkpoint/both-legs.js';
import type { FailureGroup } from './failure-tally.js';
import type { Interruption } from './interrupt.js';

export interface RunSummary extends RunResult {
  /** Present when a SIGINT/SIGTERM cut the run short. */
  interrupted?: Interruption;
  /** The failed rows the run went on after, by error code (largest group first), with a few examples each. */
  failedRows?: FailureGroup[];
  /** Present when the run resumed a checkpoint journal: the counts then cover every leg. */
  resumed?: Resumption;
}

/** The summary line block printed on stderr when a run ends. */
export function summaryText(summary: RunSummary): string {
  const { upstream } = summary;
  const status = summary.interrupted ? `interrupted (${summary.status} so far)` : summary.status;
  const lines = [
    `run ${summary.connector}: ${status} · task status ${summary.statusCode} · ${summary.errorBehavior}`,
    `  rows read ${summary.rowsRead} · rows emitted ${summary.rowsEmitted} · error rows ${summary.errorRows} · ` +
      `requests ${upstream.requests} · retries ${upstream.retries} · rate-limited ${upstream.rateLimited} ` +
      `(waited ${seconds(upstream.rateLimitWaitMs)}) · took ${seconds(summary.durationMs)}`,
  ];
  if (summary.resumed) {
    const { fromRow } = summary.resumed;
    const before = fromRow === 1 ? 'the earlier run had committed no row' : `rows 1-${fromRow - 1} came from the earlier run (counted above) and were not requested again`;
    lines.push(`  resumed at input row ${fromRow}: ${before}`);
  }
  if (summary.failure) {
    const { failure } = summary;
    const where = failure.row === null ? 'stopped' : `failed at row ${failure.row}`;
    const status = failure.statusCode === null ? '' : ` ${failure.statusCode}`;
    lines.push(`  ${where}: ${failure.code}${status} ${failure.message}`);
  }
  for (const group of summary.failedRows ?? []) {
    const examples = group.examples.map((example) => `row ${example.row}: ${example.message.replace(/^row \d+ failed: /, '')}`).join(' · ');
    lines.push(`  ${group.count} row${group.count === 1 ? '' : 's'} failed with ${group.code}, e.g. ${examples}`);
  }
  if (summary.interrupted) {
    const { interrupted } = summary;
    const tail = interrupted.graceExpired
      ? 'rows still in flight when the grace period ended were cancelled and not written'
      : 'every row read was finished and written';
    lines.push(`  stopped by ${interrupted.reason}: no input read after row ${interrupted.afterRow}; ${tail}`);
  }
  return lines.join('\n') + '\n';
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
