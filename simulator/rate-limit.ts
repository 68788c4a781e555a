import type { Clock } from '../runtime/clock.js';

export interface RateDecision {
  allowed: boolean;
  /** X-RateLimit-Limit */
  limit: number;
  /** X-RateLimit-Remaining, after this request */
  remaining: number;
  /** Retry-After in whole seconds (≥ 1), only when refused. */
  retryAfterSeconds?: number;
  /** Milliseconds until a slot frees, only when refused (for tests and stats; the header is rounded up). */
  retryAfterMs?: number;
}

/**
 * At most `limit` accepted requests in any trailing window (1000 ms) per token and endpoint: the strictest plausible
 * reading of respond.io's "requests per second", so a client that paces for it passes any laxer (fixed-window)
 * server too. Refused requests do not take a slot, or a client retrying too early would be locked out forever.
 */
export class SlidingWindowLimiter {
  readonly #accepted = new Map<string, number[]>();
  readonly #clock: Clock;
  readonly #windowMs: number;

  constructor(clock: Clock, windowMs = 1000) {
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  take(token: string, endpoint: string, limit: number): RateDecision {
    const now = this.#clock.now();
    const key = `${token}\u0000${endpoint}`;
    let times = this.#accepted.get(key);
    if (!times) this.#accepted.set(key, (times = []));
    // A request accepted at s occupies a slot while now - s < window.
    while (times.length > 0 && now - (times[0] as number) >= this.#windowMs) times.shift();
    if (times.length < limit) {
      times.push(now);
      return { allowed: true, limit, remaining: limit - times.length };
    }
    const retryAfterMs = (times[0] as number) + this.#windowMs - now;
    return { allowed: false, limit, remaining: 0, retryAfterMs, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  reset(): void {
    this.#accepted.clear();
  }
}
