import type { Clock } from '../../runtime/clock.js';

interface Sleeper {
  due: number;
  order: number;
  resolve(): void;
}

const realTick = (ms = 0): Promise<void> => new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

/**
 * A Clock (runtime/clock.ts) whose time moves only when a test says so, so pacing and retry waits are tested without
 * sleeping and without timing assertions on wall time.
 * - manual (default): `advance(ms)` resolves the sleeps that fall due, in due order, letting each continuation run.
 * - `autoAdvance: true`: every sleep jumps time forward to its end at once (sequential tests of retry flows).
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private order = 0;
  /** Every sleep requested, in ms, in order (to assert the waits a flow asked for). */
  readonly requested: number[] = [];

  constructor(private readonly options: { start?: number; autoAdvance?: boolean } = {}) {
    this.current = options.start ?? 1_000_000;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.requested.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.options.autoAdvance) {
      this.current += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        due: this.current + Math.max(0, ms),
        order: this.order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Sleeps not yet due. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking each sleep at its own due time (so `now()` reads that time when it wakes). */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = Math.max(this.current, next.due);
      next.resolve();
      await realTick();
    }
    this.current = target;
  }

  /** Waits (on real time, for real I/O) until `condition()` holds; fails after `limitMs` so a broken test ends. */
  async until(condition: () => boolean, limitMs = 5_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > limitMs) throw new Error('FakeClock.until: condition never held');
      await realTick(1);
    }
  }

  /**
   * Drives a flow to its end: lets real I/O (nock) progress, and when the flow is only waiting on this clock,
   * jumps to the next due sleep. Resolves with the flow's outcome. `idle()` tells when no real I/O is in flight
   * (e.g. every request sent has reached the mock server): time never moves while it is false, so a server-side
   * timestamp is the time the request was sent.
   */
  async run<T>(flow: Promise<T>, options: { idle?: () => boolean; limitSteps?: number } = {}): Promise<T> {
    const { idle = () => true, limitSteps = 10_000 } = options;
    let settled = false;
    const watched = flow.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    for (let step = 0; step < limitSteps && !settled; step++) {
      await realTick(1);
      if (settled) break;
      if (!idle()) continue;
      const next = this.earliest();
      if (next) await this.advance(Math.max(0, next.due - this.current));
    }
    if (!settled) throw new Error('FakeClock.run: the flow did not settle');
    return watched;
  }

  private earliest(): Sleeper | undefined {
    return this.sleepers.reduce<Sleeper | undefined>((best, s) => (!best || s.due < best.due || (s.due === best.due && s.order < best.order) ? s : best), undefined);
  }
}
