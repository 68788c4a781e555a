import type { Row } from '../connector.js';
import type { Outcome } from './outcome.js';

/**
 * Output rows a connector may yield ahead of the consumer for one input row. A list connector that yields 100,000
 * rows for a row the consumer has not reached yet waits here, holding its concurrency slot: memory stays bounded
 * by concurrency × this, whatever the list's length.
 */
export const SLOT_CAPACITY = 32;

/**
 * One input row's place in the output order: the rows its connector yielded and the consumer has not taken yet,
 * and how the row ended. One producer (the row's connector call) and one consumer (the ordered fold).
 */
export class RowSlot {
  /** Settles when the row's work is over (its connector call returned or was never made); set when it is queued. */
  settled!: Promise<void>;
  /** The row's AbortController while its connector call runs. */
  controller: AbortController | undefined;
  private buffered: Row[] | undefined;
  private ended: Outcome | undefined;
  private aborted = false;
  /** The connector answered with an async iterable: rows come one by one, the consumer is woken for each. */
  private streaming = false;
  /** The connector answered with a promise: its one row comes when `settled` does. */
  private single = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(readonly index: number) {}

  /** Producer: the connector answered with a promise of one row. */
  expectOneRow(): void {
    this.single = true;
  }

  /** Producer: the connector answered with an async iterable; its rows follow through push(). */
  startStream(): void {
    this.streaming = true;
    this.notifyConsumer();
  }

  /** Producer: hands one output row on. Returns a promise to await when the slot is full (backpressure). */
  push(row: Row): Promise<void> | undefined {
    this.streaming = true;
    const buffered = (this.buffered ??= []);
    buffered.push(row);
    this.notifyConsumer();
    if (buffered.length < SLOT_CAPACITY || this.aborted) return undefined;
    return new Promise((resolve) => (this.wakeProducer = resolve));
  }

  /** Producer: the row is over; no row is pushed after this. A consumer waiting on a one-row answer wakes on `settled`. */
  end(outcome: Outcome): void {
    this.ended = outcome;
    if (this.streaming) this.notifyConsumer();
  }

  /** Aborts the row's call and releases a producer waiting for room: nobody will take its rows. */
  abort(reason: unknown): void {
    this.aborted = true;
    this.controller?.abort(reason);
    this.notifyProducer();
  }

  get isAborted(): boolean {
    return this.aborted || this.controller?.signal.aborted === true;
  }

  /** Consumer: the next row the connector yielded, if one is waiting. */
  take(): Row | undefined {
    const row = this.buffered?.shift();
    // Unconditional: a producer only waits while the slot is full, so an empty take() finds nobody to wake.
    this.notifyProducer();
    return row;
  }

  /** Consumer: how the row ended, once it has; rows may still wait in take() before it counts. */
  get outcome(): Outcome | undefined {
    return this.ended;
  }

  /**
   * Consumer: resolves when a row arrives or the row ends. A one-row answer wakes the consumer through `settled`
   * (p-limit's promise), not at once: by then more rows are usually done, and the consumer takes them without
   * waiting again (waking per row cost the overhead benchmark ~30 % at concurrency 16).
   */
  changed(): Promise<void> {
    if (this.single) return this.settled;
    return new Promise((resolve) => {
      this.wakeConsumer = resolve;
      if (!this.streaming) void this.settled.then(resolve);
    });
  }

  private notifyConsumer(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }

  private notifyProducer(): void {
    const wake = this.wakeProducer;
    this.wakeProducer = undefined;
    wake?.();
  }
}
