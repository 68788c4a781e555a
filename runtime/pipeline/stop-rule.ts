import type { ErrorBehavior } from '../error-behavior.js';
import { failsRun } from '../error-behavior.js';
import { ConnectorsError } from '../errors.js';
import type { Outcome } from './outcome.js';
import type { RowSlot } from './row-slot.js';

/** Whether this outcome ends the run at its row: a configuration error always, a failed row in a Fail run. */
export function endsRunAt(outcome: Outcome, behavior: ErrorBehavior): boolean {
  return outcome.kind === 'fatal' || (outcome.kind === 'failed' && failsRun(behavior));
}

/**
 * The stop rule (error-behavior.md): the first failed row k *in input order* decides a Fail run. Rows after k are
 * not started and those in flight are aborted; rows before k still finish, and one of them failing moves k down.
 * Failures arrive in time order, so k only ever decreases.
 */
export class StopRule {
  /** The row the run stops at; rows after it need not run. */
  stopAt = Number.POSITIVE_INFINITY;
  private readonly inFlight = new Map<number, RowSlot>();

  constructor(private readonly runSignal: AbortSignal) {}

  /** Whether row `index` may still start (or be read). */
  allows(index: number): boolean {
    return index <= this.stopAt && !this.runSignal.aborted;
  }

  /** A row's connector call starts: it can be aborted from now on. */
  enter(slot: RowSlot): void {
    this.inFlight.set(slot.index, slot);
  }

  leave(slot: RowSlot): void {
    this.inFlight.delete(slot.index);
  }

  /** Row `index` failed in a way that ends the run: nothing after it needs to run any more. */
  stopAtRow(index: number): void {
    if (index >= this.stopAt) return;
    this.stopAt = index;
    for (const [other, slot] of this.inFlight) {
      if (other > index) slot.abort(new ConnectorsError('RC_ABORTED', `row ${index} failed first`));
    }
  }

  /** The run ends (cancelled, consumer gone, over): abort every call still running. */
  abortAll(reason: unknown): void {
    for (const slot of this.inFlight.values()) slot.abort(reason);
  }

  /** The work of the rows still in flight, to wait for before the session closes. */
  running(): Promise<void>[] {
    return [...this.inFlight.values()].map((slot) => slot.settled);
  }
}
