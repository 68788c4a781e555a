import type { Clock } from '../../runtime/clock.js';

/**
 * Time spent waiting for rate limits, two ways:
 * - `wallMs`: the wall-clock time during which at least one call was waiting for a rate-limit slot or a Retry-After
 *   (the union of the calls' wait intervals), so it can never exceed the run's duration;
 * - `rowMs`: the sum of every call's own wait (16 rows waiting 1 s together count 16 s), kept as a separate figure.
 */
export class RateLimitWait {
  private waiting = 0;
  private since = 0;
  private wall = 0;
  private rows = 0;

  constructor(private readonly clock: Clock) {}

  /** A call starts waiting; call the returned function once when it stops (however it stops). */
  begin(): () => void {
    const started = this.clock.now();
    if (this.waiting++ === 0) this.since = started;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const now = this.clock.now();
      this.rows += now - started;
      if (--this.waiting === 0) this.wall += now - this.since;
    };
  }

  /** Whole milliseconds; an interval still open counts up to now. */
  get wallMs(): number {
    return Math.round(this.wall + (this.waiting > 0 ? this.clock.now() - this.since : 0));
  }

  get rowMs(): number {
    return Math.round(this.rows);
  }
}
