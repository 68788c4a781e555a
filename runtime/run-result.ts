import type { UpstreamStats } from './connector.js';
import type { ErrorCode } from './error-codes.js';
import type { ErrorBehavior } from './error-behavior.js';

export type RunStatus = 'succeeded' | 'succeeded with errors' | 'failed' | 'cancelled';

/**
 * The platform's task-run status codes (error-behavior.md): 200 finished successfully, 201 finished with no data,
 * 202 finished with errors, 300 connector failed, 307 input failed.
 */
export type RunStatusCode = 200 | 201 | 202 | 300 | 307;

export interface RunFailure {
  /** Input row number (from 1) whose failure ended the run; null when the run failed before or outside a row. */
  row: number | null;
  code: ErrorCode;
  /** The failed row's StatusCode (HTTP status, 400 for bad input, 500 for no response); null for run-level failures. */
  statusCode: number | null;
  message: string;
}

export interface RunResult {
  connector: string;
  errorBehavior: ErrorBehavior;
  status: RunStatus;
  statusCode: RunStatusCode;
  /** Input rows read. */
  rowsRead: number;
  /** Output rows emitted: one per input row, or several per input row from a list connector. */
  rowsEmitted: number;
  /** Error rows emitted (failed rows that got an output row). */
  errorRows: number;
  upstream: UpstreamStats;
  durationMs: number;
  failure?: RunFailure;
}

export interface RunProgress {
  /** Input rows read. */
  rowsRead: number;
  /** Output rows emitted (a list connector may emit several per input row, or none). */
  rowsEmitted: number;
  errorRows: number;
  /** Input rows whose outcome is known: every row of theirs emitted, and how they ended applied. */
  rowsDone: number;
  /** Input rows read and not done yet: in flight, queued, or done and waiting for an earlier row. */
  pending: number;
  done: boolean;
  upstream: UpstreamStats;
}

const inputCodes = new Set<ErrorCode>(['RC_INVALID_INPUT_ROW', 'RC_MALFORMED_INPUT_LINE', 'RC_INVALID_IDENTIFIER']);

export function statusCodeOf(status: RunStatus, rowsRead: number, failure: RunFailure | undefined): RunStatusCode {
  switch (status) {
    case 'succeeded':
      return rowsRead === 0 ? 201 : 200;
    case 'succeeded with errors':
      return 202;
    case 'failed':
      return failure && inputCodes.has(failure.code) ? 307 : 300;
    case 'cancelled':
      return 300;
  }
}
