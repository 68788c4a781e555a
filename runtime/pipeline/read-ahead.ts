import { Wakeup } from './wakeup.js';

/** Rows in: any iterable or async iterable (an array, a generator, a parsed file stream). */
export type RowSource = Iterable<unknown> | AsyncIterable<unknown>;

export interface ReadAheadOptions<T> {
  /** Input rows read and not yet taken by the consumer at most (backpressure). */
  readAhead: number;
  /** The number of the first row read (1, or where a resumed run goes on). */
  firstRow: number;
  /** Whether row `index` is still wanted (not after a stop, not after the run ended). */
  wants(index: number): boolean;
  /** Starts work on a row as soon as it is read; what it returns is queued for the consumer in input order. */
  start(index: number, raw: unknown): T;
}

/**
 * Pulls input while fewer than `readAhead` rows wait for the consumer, and pauses when that many do, so a paused
 * consumer stops the reading (and a slow source never races ahead of memory).
 */
export class ReadAhead<T> {
  rowsRead = 0;
  inputDone = false;
  inputError: unknown;
  private readonly queue: T[] = [];
  private readonly itemAvailable = new Wakeup();
  private readonly spaceAvailable = new Wakeup();
  private readonly iterator: AsyncIterator<unknown> | Iterator<unknown>;
  private readonly synchronous: boolean;
  private stopped = false;
  private reading: Promise<void> | undefined;

  constructor(
    source: RowSource,
    private readonly options: ReadAheadOptions<T>,
  ) {
    this.synchronous = !(Symbol.asyncIterator in source);
    // A synchronous source is read without a promise per row.
    this.iterator = this.synchronous ? (source as Iterable<unknown>)[Symbol.iterator]() : (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  }

  /** Starts the read loop (once); the first row is pulled now. */
  start(): void {
    this.reading ??= this.run();
  }

  /** Settles when the read loop has ended (at once when it never started). */
  ended(): Promise<void> {
    return this.reading ?? Promise.resolve();
  }

  /** The read loop; settles when input ends, fails, or is no longer wanted. Never rejects. */
  private async run(): Promise<void> {
    try {
      while (!this.stopped && this.options.wants(this.options.firstRow + this.rowsRead)) {
        if (this.queue.length >= this.options.readAhead) {
          await this.spaceAvailable.wait();
          continue;
        }
        const next = this.synchronous ? (this.iterator as Iterator<unknown>).next() : await this.iterator.next();
        const index = this.options.firstRow + this.rowsRead;
        if (next.done || this.stopped || !this.options.wants(index)) break;
        this.rowsRead += 1;
        this.queue.push(this.options.start(index, next.value));
        this.itemAvailable.notify();
      }
    } catch (error) {
      this.inputError = error;
    } finally {
      this.inputDone = true;
      this.itemAvailable.notify();
    }
  }

  /** The number of the last row read (firstRow - 1 before any). */
  get lastRow(): number {
    return this.options.firstRow + this.rowsRead - 1;
  }

  /** Rows read and not yet taken by the consumer. */
  get waiting(): number {
    return this.queue.length;
  }

  /** The next row in input order, if one was read; makes room for the reader. */
  shift(): T | undefined {
    const item = this.queue.shift();
    // Unconditional: a reader only waits while the queue is full, and notify() is free when nobody waits.
    this.spaceAvailable.notify();
    return item;
  }

  /** Resolves when a row was read, input ended, or stop() was called. */
  changed(): Promise<void> {
    return this.itemAvailable.wait();
  }

  /** Rows still queued (read, not taken). */
  queued(): readonly T[] {
    return this.queue;
  }

  /** Stops reading: wakes the reader and the consumer, and closes the source if it was not read to its end. */
  stop(): void {
    this.stopped = true;
    this.spaceAvailable.notify();
    this.itemAvailable.notify();
    if (!this.inputDone) {
      try {
        void Promise.resolve(this.iterator.return?.()).catch(() => undefined);
      } catch {
        // a synchronous iterator's return() threw: the run is ending anyway
      }
    }
  }

  /** Wakes a reader waiting for room, to look at wants() again (after a stop or a cancel). */
  nudge(): void {
    this.spaceAvailable.notify();
    this.itemAvailable.notify();
  }
}
