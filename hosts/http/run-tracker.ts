import type { Clock } from '../../runtime/clock.js';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { RunResult } from '../../runtime/run-result.js';
import { HostMetrics, nothingCounted, type Counted, type RunMode } from './metrics.js';

interface Tracked {
  connector: string;
  mode: RunMode;
  handle: RunHandle;
  counted: Counted;
  /** Ends a run whose consumer no longer pulls (a stalled stream): cancel alone cannot reach a suspended iterator. */
  abandon?: (() => void) | undefined;
}

export const SHUTDOWN_REASON = 'the server is shutting down';

/**
 * Every run in flight, whatever the route that started it: the metrics read their progress on each scrape, and
 * shutdown waits for them, then cancels them.
 */
export class RunTracker {
  private readonly active = new Set<Tracked>();

  constructor(
    private readonly metrics: HostMetrics,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.active.size;
  }

  /** Call once the handle is being iterated (its result settles only then). */
  track(connector: string, mode: RunMode, handle: RunHandle, abandon?: () => void): void {
    const tracked: Tracked = { connector, mode, handle, counted: nothingCounted(), abandon };
    this.active.add(tracked);
    this.metrics.inFlight.inc({ mode });
    void handle.result.then((result: RunResult) => {
      this.active.delete(tracked);
      this.metrics.inFlight.dec({ mode });
      this.metrics.finish(connector, mode, tracked.counted, result);
    });
  }

  /** Brings the counters up to date with the runs still going (called before each scrape). */
  refresh(): void {
    for (const tracked of this.active) tracked.counted = this.metrics.add(tracked.connector, tracked.counted, tracked.handle.progress());
  }

  private async settled(ms: number): Promise<boolean> {
    if (this.active.size === 0) return true;
    const timer = new AbortController();
    const all = Promise.allSettled([...this.active].map((tracked) => tracked.handle.result)).then(() => true);
    const late = this.clock.sleep(ms, timer.signal).then(
      () => false,
      () => false,
    );
    const done = await Promise.race([all, late]);
    timer.abort();
    return done;
  }

  /**
   * Graceful stop: runs get `graceMs` to finish, then are cancelled (they end `cancelled`, streams write their
   * result line). A stream whose client stopped reading cannot take its last line: after `abandonMs` more it is
   * cut off.
   */
  async drain(graceMs: number, abandonMs = 2_000): Promise<void> {
    if (await this.settled(graceMs)) return;
    for (const tracked of this.active) tracked.handle.cancel(SHUTDOWN_REASON);
    if (await this.settled(abandonMs)) return;
    for (const tracked of this.active) tracked.abandon?.();
    await this.settled(abandonMs);
  }
}
