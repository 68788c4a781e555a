import type { Clock } from '../runtime/clock.js';
import type { SlidingWindowLimiter } from './rate-limit.js';
import type { SimulatorStats } from './stats.js';

export interface ForeignConsumerOptions {
  token: string;
  /** endpoint key → [requests per second it spends, the endpoint's limit] */
  rates: ReadonlyMap<string, readonly [number, number]>;
  limiter: SlidingWindowLimiter;
  clock: Clock;
  stats: SimulatorStats;
  /** Ends the loops when the app closes. */
  closing: AbortSignal;
}

/**
 * Someone else in the organization (a respond.io workflow, another integration) spending the same per-organization
 * budget: evenly spaced takes from the very limiter our client's requests go through, so the client sees fewer slots
 * and lower X-RateLimit-Remaining. Its takes are counted in stats.foreign, not in the client's request counts.
 */
export function startForeignConsumer(options: ForeignConsumerOptions): void {
  for (const [endpoint, [perSecond, limit]] of options.rates) void spend(options, endpoint, 1000 / perSecond, limit);
}

async function spend(options: ForeignConsumerOptions, endpoint: string, intervalMs: number, limit: number): Promise<void> {
  const { clock, closing } = options;
  const start = clock.now();
  // On a grid from the start, so late timers do not lower the share it spends.
  for (let n = 1; !closing.aborted; n++) {
    try {
      await clock.sleep(Math.max(0, start + n * intervalMs - clock.now()), closing);
    } catch {
      return; // closing
    }
    options.stats.recordForeign(endpoint, options.limiter.take(options.token, endpoint, limit).allowed);
  }
}
