import type { Watermark } from '../../runtime/checkpoint/journal.js';
import { statusCodeOf, type RunResult } from '../../runtime/run-result.js';

/** Where a resumed run took up: the first input row of this leg (rows before it came from earlier legs). */
export interface Resumption {
  fromRow: number;
}

/**
 * The result of a resumed run, counted over both legs: the earlier legs' committed rows are added, row numbers are
 * and the status says "with errors" when an earlier leg wrote error rows.
 */
export function acrossLegs(result: RunResult, earlier: Watermark): RunResult & { resumed: Resumption } {
  const rowsRead = result.rowsRead + earlier.row;
  const errorRows = result.errorRows + earlier.errorRows;
  const status = result.status === 'succeeded' && errorRows > 0 ? 'succeeded with errors' : result.status;
  const { failure } = result; // its row is already the whole file's (the run was given firstRow)
  return {
    ...result,
    status,
    statusCode: statusCodeOf(status, rowsRead, failure),
    rowsRead,
    rowsEmitted: result.rowsEmitted + earlier.outputRows,
    errorRows,
    ...(failure ? { failure } : {}),
    resumed: { fromRow: earlier.row + 1 },
  };
}
