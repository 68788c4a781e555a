import type { Row } from '../connector.js';
import { emitsErrorRow, failsRun, type ErrorBehavior } from '../error-behavior.js';
import type { ConnectorsError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunFailure } from '../run-result.js';
import type { Outcome, SettledAs } from './outcome.js';
import type { RowSlot } from './row-slot.js';

/** Counts kept while folding; the run result and progress read them. */
export interface FoldCounters {
  rowsEmitted: number;
  errorRows: number;
  /** Input rows whose outcome is known (settled). */
  rowsDone: number;
}

/** Where the fold takes rows from, in input order. */
export interface SlotQueue {
  /** Starts reading (when the consumer first asks for a row). */
  start(): void;
  shift(): RowSlot | undefined;
  /** No more rows will be queued. */
  readonly inputDone: boolean;
  changed(): Promise<void>;
}

export interface FoldOptions {
  behavior: ErrorBehavior;
  /** An output row carrying a failure: StatusCode and Message set, every other column null. */
  errorRow(statusCode: number, message: string): Row;
  redact(text: string): string;
  logger: Logger;
  /** Aborted when the run is cancelled or over: nothing more is emitted. */
  signal: AbortSignal;
}

/** What the fold hands out: output rows only, or rows and settled events (`RunHandle.events()`). */
export interface Emit<T> {
  row(input: number, row: Row): T;
  /** undefined: nothing to hand out for a settled row. */
  settled(input: number, outcome: SettledAs): T | undefined;
}

/**
 * How the fold ended: `complete` when it ran out of rows itself, `failure` when a row ended the run, `unfinished`
 * when the consumer broke off while rows of the current input row could still follow.
 */
export interface FoldEnd {
  complete: boolean;
  unfinished: boolean;
  failure?: RunFailure;
}

export function rowFailure(index: number, error: ConnectorsError & { statusCode?: number }, redact: (text: string) => string): RunFailure {
  return { row: index, code: error.code, statusCode: error.statusCode ?? null, message: redact(error.message) };
}

/**
 * Ordered folding of outcomes: takes each input row's slot in input order, hands on the rows its connector yielded,
 * then applies the error behavior to how the row ended (error-behavior.md: one error row or none, stop or go on).
 * `finish` runs however the iteration ends (end of input, a stop, a cancel, the consumer breaking off).
 */
export async function* foldInOrder<T>(
  queue: SlotQueue,
  options: FoldOptions,
  counters: FoldCounters,
  emit: Emit<T>,
  finish: (end: FoldEnd) => Promise<void>,
): AsyncGenerator<T, void, undefined> {
  const { behavior, signal, logger } = options;
  const end: FoldEnd = { complete: false, unfinished: false };
  try {
    queue.start();
    for (;;) {
      const slot = queue.shift();
      if (slot === undefined) {
        if (queue.inputDone || signal.aborted) break;
        await queue.changed();
        continue;
      }
      let outcome: Outcome | undefined;
      end.unfinished = true;
      for (;;) {
        const row = slot.take();
        if (row !== undefined) {
          counters.rowsEmitted += 1;
          yield emit.row(slot.index, row);
          if (signal.aborted) return;
          continue;
        }
        outcome = slot.outcome;
        if (outcome !== undefined) break;
        await slot.changed();
        if (signal.aborted) return;
      }
      end.unfinished = false;
      if (outcome.kind === 'ok') {
        if (outcome.row !== undefined) {
          counters.rowsEmitted += 1;
          yield emit.row(slot.index, outcome.row);
        }
        counters.rowsDone += 1;
        const settled = emit.settled(slot.index, 'ok');
        if (settled !== undefined) yield settled;
        continue;
      }
      if (outcome.kind === 'skipped') return; // only rows after a stop are skipped; the stop ended the fold already
      const failure = rowFailure(slot.index, outcome.error, options.redact);
      if (outcome.kind === 'fatal') {
        logger.error({ row: slot.index, code: failure.code }, `run stopped: ${failure.message}`);
        end.failure = failure;
        return;
      }
      counters.rowsDone += 1;
      if (emitsErrorRow(behavior)) {
        counters.errorRows += 1;
        counters.rowsEmitted += 1;
        yield emit.row(slot.index, options.errorRow(outcome.error.statusCode, failure.message));
      }
      const settled = emit.settled(slot.index, emitsErrorRow(behavior) ? 'error-row' : 'dropped');
      if (settled !== undefined) yield settled;
      const log = { row: slot.index, code: failure.code, statusCode: failure.statusCode };
      if (failsRun(behavior)) {
        logger.error(log, `row ${slot.index} failed: ${failure.message}`);
        end.failure = failure;
        return;
      }
      logger.warn(log, `row ${slot.index} failed: ${failure.message}`);
    }
    end.complete = !signal.aborted;
  } finally {
    await finish(end);
  }
}
