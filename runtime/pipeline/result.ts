import type { UpstreamStats } from '../connector.js';
import type { ErrorBehavior } from '../error-behavior.js';
import { statusCodeOf, type RunFailure, type RunResult, type RunStatus } from '../run-result.js';
import type { FoldCounters } from './fold.js';

export interface ResultFacts {
  connector: string;
  behavior: ErrorBehavior;
  rowsRead: number;
  counters: FoldCounters;
  upstream: UpstreamStats;
  durationMs: number;
  /** A row or the input ended the run. */
  failure?: RunFailure | undefined;
  /** Why the run was cancelled (by the caller, a signal, or the consumer breaking off). */
  cancelReason?: string | undefined;
}

/** The status a run ends with: a failure wins over a cancel, a cancel over success. */
export function statusOf(facts: Pick<ResultFacts, 'failure' | 'cancelReason' | 'counters'>): RunStatus {
  if (facts.failure) return 'failed';
  if (facts.cancelReason !== undefined) return 'cancelled';
  return facts.counters.errorRows > 0 ? 'succeeded with errors' : 'succeeded';
}

/** The run result (error-behavior.md, "Run result"). */
export function runResult(facts: ResultFacts, redact: (text: string) => string): RunResult {
  const status = statusOf(facts);
  // Past `facts.failure ??`, a cancel reason is exactly status 'cancelled' (statusOf): no fallback text to keep.
  const failure =
    facts.failure ?? (facts.cancelReason !== undefined ? { row: null, code: 'RC_ABORTED' as const, statusCode: null, message: redact(facts.cancelReason) } : undefined);
  return {
    connector: facts.connector,
    errorBehavior: facts.behavior,
    status,
    statusCode: statusCodeOf(status, facts.rowsRead, failure),
    rowsRead: facts.rowsRead,
    rowsEmitted: facts.counters.rowsEmitted,
    errorRows: facts.counters.errorRows,
    upstream: facts.upstream,
    durationMs: facts.durationMs,
    ...(failure ? { failure } : {}),
  };
}
