import type { ConnectorSession, Row, RowContext } from '../connector.js';
import { ConfigurationError, RowError } from '../errors.js';
import type { ControllerPool } from './controller-pool.js';
import { MalformedInput } from './malformed-input.js';
import type { Outcome } from './outcome.js';
import type { RowSlot } from './row-slot.js';
import type { StopRule } from './stop-rule.js';

/** What running one row needs from the run. */
export interface RowWork {
  session: ConnectorSession;
  /** Returns what is wrong with an input row, or undefined when it matches the input schema. */
  checkInput(row: unknown): string | undefined;
  /** Returns what is wrong with a connector's output row, or undefined when it matches the output schema. */
  checkOutput(row: Row): string | undefined;
  controllers: ControllerPool;
  stop: StopRule;
  beforeSend: RowContext['beforeSend'];
}

const skipped: Outcome = { kind: 'skipped' };
const finished: Outcome = { kind: 'ok' };

/**
 * One input row: validate it, call the connector, check what comes back. A connector answers with one row (a
 * promise) or several (an async iterable), which go through the slot as they come. Never throws: every way a row
 * can end is an Outcome.
 */
export async function processRow(slot: RowSlot, raw: unknown, work: RowWork): Promise<Outcome> {
  if (!work.stop.allows(slot.index)) return skipped;
  if (raw instanceof MalformedInput) {
    const where = raw.line === undefined ? 'malformed input' : `line ${raw.line}`;
    return { kind: 'failed', error: new RowError('RC_MALFORMED_INPUT_LINE', 400, `${where}: ${raw.reason}`) };
  }
  const inputProblem = work.checkInput(raw);
  if (inputProblem !== undefined) {
    return { kind: 'failed', error: new RowError('RC_INVALID_INPUT_ROW', 400, `invalid input row: ${inputProblem}`) };
  }
  const controller = work.controllers.take();
  slot.controller = controller;
  work.stop.enter(slot);
  try {
    const answer = work.session.process(raw as Row, { signal: controller.signal, row: slot.index, beforeSend: work.beforeSend });
    if (isAsyncIterable(answer)) return await streamRows(slot, answer, work);
    slot.expectOneRow();
    const row = await answer;
    return checked(row, work) ?? { kind: 'ok', row };
  } catch (error) {
    return failureOf(error, controller.signal);
  } finally {
    work.stop.leave(slot);
    slot.controller = undefined;
    work.controllers.give(controller);
  }
}

/** Hands a connector's rows to the slot one by one, waiting while the slot is full (the consumer has not got there). */
async function streamRows(slot: RowSlot, rows: AsyncIterable<Row>, work: RowWork): Promise<Outcome> {
  const iterator = rows[Symbol.asyncIterator]();
  slot.startStream();
  let open = true;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        open = false;
        return finished;
      }
      const problem = checked(next.value, work);
      if (problem) return problem;
      const room = slot.push(next.value);
      if (room) await room;
      if (slot.isAborted) return failureOf(undefined, slot.controller?.signal);
    }
  } catch (error) {
    open = false; // the iterator threw: it is closed already
    throw error;
  } finally {
    // Stopped early (invalid row, abort): let the connector's generator run its own cleanup.
    if (open) await Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

function checked(row: Row, work: RowWork): Outcome | undefined {
  const problem = work.checkOutput(row);
  if (problem === undefined) return undefined;
  return { kind: 'failed', error: new RowError('RC_INVALID_OUTPUT_ROW', 500, `connector produced an invalid row: ${problem}`) };
}

function failureOf(error: unknown, signal: AbortSignal | undefined): Outcome {
  if (error instanceof ConfigurationError) return { kind: 'fatal', error };
  if (error instanceof RowError) return { kind: 'failed', error };
  if (signal?.aborted || error === undefined) return { kind: 'failed', error: new RowError('RC_ABORTED', 500, reasonText(signal?.reason)) };
  return { kind: 'failed', error: new RowError('RC_CONNECTOR_CRASHED', 500, `connector error: ${(error as Error)?.message ?? String(error)}`, { cause: error }) };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Row> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
