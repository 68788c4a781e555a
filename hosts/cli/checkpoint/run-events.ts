import type { Row } from '../../../runtime/connector.js';
import type { RunHandle } from '../../../runtime/pipeline.js';

/** What happened to the input rows of a run, in input order (the pipeline's events stream has this shape). */
export type RunEvent =
  | { type: 'row'; input: number; row: Row }
  | { type: 'settled'; input: number; outcome: 'ok' | 'error-row' | 'dropped' };

/**
 * The events of a run, derived from its rows until the pipeline emits them itself: today each input row yields
 * exactly one output row (its row or its error row) in input order, or none when it ends a `Fail without response`
 * run — so output row j settles input row `firstRow + j - 1`. An error row is told from a row by the run's error-row
 * count, which the pipeline raises just before it yields one.
 */
export async function* eventsOfRows(handle: RunHandle, firstRow: number): AsyncGenerator<RunEvent> {
  let input = firstRow - 1;
  let errorRows = 0;
  for await (const row of handle) {
    input += 1;
    const now = handle.progress().errorRows;
    const outcome = now > errorRows ? 'error-row' : 'ok';
    errorRows = now;
    yield { type: 'row', input, row };
    yield { type: 'settled', input, outcome };
  }
}
