import type { Clock } from '../../../runtime/clock.js';
import { limiterRegistry, LimiterRegistry, type EndpointLimiter } from '../pacer.js';
import { SERVER_WINDOW_MS, type EndpointBudget, type RateBudget, type SendTicket } from './rate-budget.js';

/**
 * The embedded default: the in-process pacer (pacer.ts), nothing to start. Holds one organization's limits inside
 * this process only; several processes with one token need the Redis store. The limiter is looked up on every call,
 * so one evicted while idle is never used beside its successor.
 */
export class InProcessRateBudget implements RateBudget {
  readonly #registry: LimiterRegistry;

  /** By default the clock's shared registry, so every client on that clock shares its pace with this budget. */
  constructor(
    private readonly clock: Clock,
    registry?: LimiterRegistry,
  ) {
    this.#registry = registry ?? limiterRegistry(clock);
  }

  endpoint(organization: string, endpointKey: string): EndpointBudget {
    const limiter = () => this.#registry.limiter(organization, endpointKey);
    const clock = this.clock;
    return {
      acquire: (limit, signal) => limiter().acquire(typeof limit === 'function' ? () => 1000 / limit() : 1000 / limit, signal),
      // The in-process limiter already spaces from the actual socket write (noteSent): nothing more to check.
      gate: (_limit, signal) => (signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(ticket(limiter))),
      penalize: async (retryAfterMs) => limiter().pauseUntil(clock.now() + retryAfterMs),
      pauseRemainingMs: async () => limiter().pauseRemainingMs(),
    };
  }

  async close(): Promise<void> {}
}

/** Counts the window at the socket write: later sends are not in it, and earlier ones are all noted by then. */
function ticket(limiter: () => EndpointLimiter): SendTicket {
  let count: number | undefined;
  return {
    noteSent: (sentAt) => {
      const current = limiter();
      current.noteSent(sentAt);
      count = current.sendsWithin(sentAt - SERVER_WINDOW_MS, sentAt);
    },
    windowCount: () => count,
  };
}
