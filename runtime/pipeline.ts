import pLimit from 'p-limit';
import type { ConnectorSession, Row } from './connector.js';
import type { ErrorBehavior } from './error-behavior.js';
import { ConnectorsError } from './errors.js';
import type { Logger } from './logger.js';
import { ControllerPool } from './pipeline/controller-pool.js';
import { foldInOrder, type Emit, type FoldCounters, type FoldEnd } from './pipeline/fold.js';
import type { PipelineEvent } from './pipeline/outcome.js';
import { processRow, reasonText, type RowWork } from './pipeline/process-row.js';
import { ReadAhead, type RowSource } from './pipeline/read-ahead.js';
import { runResult } from './pipeline/result.js';
import { RowSlot } from './pipeline/row-slot.js';
import { endsRunAt, StopRule } from './pipeline/stop-rule.js';
import type { RunFailure, RunProgress, RunResult } from './run-result.js';

export { MalformedInput } from './pipeline/malformed-input.js';
export type { RowSource } from './pipeline/read-ahead.js';
export type { PipelineEvent, SettledAs } from './pipeline/outcome.js';

export interface PipelineOptions {
  connector: string;
  rows: RowSource;
  session: ConnectorSession;
  /** Returns what is wrong with an input row, or undefined when it matches the input schema. */
  checkInput(row: unknown): string | undefined;
  /** Returns what is wrong with a connector's output row, or undefined when it matches the output schema. */
  checkOutput(row: Row): string | undefined;
  /** An output row carrying a failure: StatusCode and Message set, every other column null. */
  errorRow(statusCode: number, message: string): Row;
  behavior: ErrorBehavior;
  concurrency: number;
  /** Rows read ahead of the consumer at most; bounds memory and how far input is pulled while the consumer pauses. */
  readAhead: number;
  /** The number of the first row read (default 1): a resumed run keeps its row numbers in messages, results, events. */
  firstRow?: number | undefined;
  signal?: AbortSignal | undefined;
  logger: Logger;
  /** Scrubs secrets out of any text that leaves the run. */
  redact(text: string): string;
}

/** The rows of a run, produced as they are read; `result` settles when the iteration ends, however it ends. */
export interface RunHandle extends AsyncIterable<Row> {
  readonly result: Promise<RunResult>;
  progress(): RunProgress;
  /**
   * The run as events, instead of iterating the rows (a run is iterated once, either way): `row` for every output
   * row, and `settled` once input row `input` will yield nothing more (also a row that yielded no row at all).
   * A row that ended the run with a configuration error, and rows after a stop or a cancel, never settle.
   */
  events(): AsyncIterable<PipelineEvent>;
  /** Stops the run: no new row starts, in-flight calls are aborted, the iteration ends, status `cancelled`. */
  cancel(reason?: string): void;
  /** Reads the whole run into memory (small batches, tests). */
  collect(): Promise<{ rows: Row[]; result: RunResult }>;
}

const noIntent = (): Promise<void> => Promise.resolve();

const rowsOnly: Emit<Row> = { row: (_input, row) => row, settled: () => undefined };
const everyEvent: Emit<PipelineEvent> = {
  row: (input, row) => ({ type: 'row', input, row }),
  settled: (input, outcome) => ({ type: 'settled', input, outcome }),
};

/**
 * Streams rows through a connector: validate input → call → validate output → apply the error behavior, with at
 * most `concurrency` calls in flight and output in input order (error-behavior.md, invariants 1–4). The parts:
 * read-ahead (backpressure), the stop rule, one row's work, the ordered fold, the result; this wires them.
 */
export function runPipeline(options: PipelineOptions): RunHandle {
  const { session, behavior, redact } = options;
  const started = performance.now();
  const runAbort = new AbortController();
  const stop = new StopRule(runAbort.signal);
  const counters: FoldCounters = { rowsEmitted: 0, errorRows: 0, rowsDone: 0 };
  let cancelReason: string | undefined;
  let done = false;
  let resolveResult!: (result: RunResult) => void;
  const result = new Promise<RunResult>((resolve) => (resolveResult = resolve));

  const work: RowWork = {
    session,
    checkInput: options.checkInput,
    checkOutput: options.checkOutput,
    controllers: new ControllerPool(),
    stop,
    beforeSend: noIntent,
  };
  // At most `concurrency` rows in process(); rows read beyond that wait in p-limit's queue, in input order.
  const limit = pLimit(options.concurrency);
  const startRow = (index: number, raw: unknown): RowSlot => {
    const slot = new RowSlot(index);
    // The stop is noted inside the limited function: p-limit starts the next queued row as soon as this one
    // settles, and that row must already see it.
    slot.settled = limit(async () => {
      const outcome = await processRow(slot, raw, work);
      if (endsRunAt(outcome, behavior)) stop.stopAtRow(index);
      slot.end(outcome);
    });
    return slot;
  };
  const reader = new ReadAhead(options.rows, {
    readAhead: options.readAhead,
    firstRow: options.firstRow ?? 1,
    wants: (index) => stop.allows(index),
    start: startRow,
  });

  const cancel = (reason = 'cancelled'): void => {
    if (cancelReason !== undefined || done) return;
    cancelReason = reason;
    runAbort.abort(new ConnectorsError('RC_ABORTED', reason));
    stop.abortAll(runAbort.signal.reason);
    reader.nudge();
  };
  if (options.signal?.aborted) cancel(String(options.signal.reason ?? 'aborted'));
  const onExternalAbort = (): void => cancel(reasonText(options.signal?.reason));
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const finish = async (end: FoldEnd): Promise<void> => {
    let failure: RunFailure | undefined = end.failure;
    if (!failure && end.complete && reader.inputError !== undefined && !runAbort.signal.aborted) {
      const message = redact(`input failed after row ${reader.lastRow}: ${(reader.inputError as Error)?.message ?? String(reader.inputError)}`);
      options.logger.error({ code: 'RC_MALFORMED_INPUT_LINE' }, message);
      failure = { row: null, code: 'RC_MALFORMED_INPUT_LINE', statusCode: null, message };
    }
    if (!failure && !runAbort.signal.aborted && (reader.waiting > 0 || !reader.inputDone || end.unfinished)) cancel('the consumer stopped reading');
    runAbort.abort(new ConnectorsError('RC_ABORTED', 'run ended'));
    stop.abortAll(runAbort.signal.reason);
    reader.stop();
    await Promise.allSettled([...reader.queued().map((slot) => slot.settled), ...stop.running()]);
    await Promise.race([reader.ended(), Promise.resolve()]);
    options.signal?.removeEventListener('abort', onExternalAbort);
    await session.close?.();
    done = true;
    const durationMs = Math.round(performance.now() - started);
    resolveResult(runResult({ connector: options.connector, behavior, rowsRead: reader.rowsRead, counters, upstream: session.stats(), durationMs, failure, cancelReason }, redact));
  };

  let iterated = false;
  const iterate = <T>(emit: Emit<T>): AsyncGenerator<T, void, undefined> => {
    if (iterated) throw new Error('a run can be iterated once');
    iterated = true;
    return foldInOrder(reader, { behavior, errorRow: options.errorRow, redact, logger: options.logger, signal: runAbort.signal }, counters, emit, finish);
  };

  const handle: RunHandle = {
    result,
    cancel,
    progress: () => ({
      rowsRead: reader.rowsRead,
      rowsEmitted: counters.rowsEmitted,
      errorRows: counters.errorRows,
      rowsDone: counters.rowsDone,
      pending: reader.rowsRead - counters.rowsDone,
      done,
      upstream: session.stats(),
    }),
    [Symbol.asyncIterator]: () => iterate(rowsOnly),
    events: () => iterate(everyEvent),
    async collect() {
      const rows: Row[] = [];
      for await (const row of handle) rows.push(row);
      return { rows, result: await result };
    },
  };
  return handle;
}
