import { createHash } from 'node:crypto';
import type { Clock } from '../../runtime/clock.js';
import { IdleMap } from './budget/idle-map.js';
import { SERVER_WINDOW_MS } from './budget/rate-budget.js';

interface Waiter {
  /** A function is read each time the waiter is at the head of the queue: a limit learned meanwhile applies. */
  intervalMs: number | (() => number);
  resolve(): void;
  reject(reason: unknown): void;
  detach(): void;
}

/**
 * Paces the sends of one endpoint of one organization: FIFO, at most one send per interval, and paused for everybody
 * after a 429 until its Retry-After has passed.
 *
 * Spacing is measured from the ACTUAL previous send (the moment a waiter was let through), not from when it was
 * scheduled. Timers fire late; if sends were planned on a fixed grid (t0, t0+100, t0+200…), a late send followed by
 * an on-time one would land closer than 1000/R ms, and a server counting in fixed or sliding 1-second windows would
 * then see R+1 requests in one window and answer 429.
 */
export class EndpointLimiter {
  /** When the last waiter was let through. */
  private lastSendAt = Number.NEGATIVE_INFINITY;
  /** When the last request let through actually left (noteSent). */
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** Recent socket writes (noteSent), oldest first: only the last second's are kept, for sendsWithin(). */
  private readonly writes: number[] = [];
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private readonly createdAt: number;

  constructor(private readonly clock: Clock) {
    this.createdAt = clock.now();
  }

  /**
   * Resolves when the caller may send, and counts that moment as a send. `intervalMs` is the caller's own spacing
   * (1000 / its R), so a run whose organization has raised limits is not slowed by one that has not been told.
   * An aborted waiter leaves the queue at once and rejects with the signal's reason.
   */
  acquire(intervalMs: number | (() => number), signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = { intervalMs, resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /**
   * The request let through last actually left at `sentAt` (its bytes were handed to the socket). Spacing then also
   * counts from there, which absorbs what happens in between: a new connection, a cold code path, a busy event
   * loop. Measured: the first request of a run reached the server ~6 ms after it was let through and the next one on
   * time, so the server saw 94 ms between them and 10 requests in 990 ms → a 429. The ~0.5 ms got spends per request
   * is therefore added to every interval; it is kept as margin on purpose: BENCHMARKS.md (pacing) shows a run that
   * subtracted it got 429s from a few ms of arrival jitter.
   */
  noteSent(sentAt: number): void {
    this.lastWriteAt = Math.max(this.lastWriteAt, sentAt);
    // Kept in order even if two notes arrive out of order: inserted after the last write not later than it (almost
    // always the end, so the loop stops at once; before the first, writes[-1] is undefined and ends it too).
    // Anything a second older than the newest is of no use. The newest is lastWriteAt itself, so the trim never
    // empties the log.
    let index = this.writes.length;
    while ((this.writes[index - 1] as number) > sentAt) index -= 1;
    this.writes.splice(index, 0, sentAt);
    while (this.lastWriteAt - (this.writes[0] as number) > SERVER_WINDOW_MS) this.writes.shift();
  }

  /** Sends written in (from, to] (ms, this clock), from the last second's log. */
  sendsWithin(from: number, to: number): number {
    return this.writes.filter((at) => at > from && at <= to).length;
  }

  /** After a 429: nobody sends on this endpoint before `untilMs` (clock time). Only ever extends a pause. */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /** Milliseconds left of the current 429 pause (0 when none). */
  pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - this.clock.now());
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Since when nothing has happened here (no waiter, no pause running); undefined while busy. A queued waiter always
   * has the pump running (acquire starts it; it stops only with the queue empty), so `pumping` covers the queue too.
   */
  idleSince(): number | undefined {
    if (this.pumping || this.pauseRemainingMs() > 0) return undefined;
    return Math.max(this.createdAt, this.lastSendAt, this.lastWriteAt, this.pausedUntil);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0] as Waiter;
        const interval = typeof head.intervalMs === 'function' ? head.intervalMs() : head.intervalMs;
        const readyAt = Math.max(this.lastSendAt + interval, this.lastWriteAt + interval, this.pausedUntil);
        const now = this.clock.now();
        if (now < readyAt) {
          // Not abortable on purpose: if the head leaves, the next waiter needs the same moment. A pause added
          // meanwhile, or a later noteSent(), is seen on the next turn of the loop. sleepUntil ends right at
          // readyAt; a plain sleep ends up to ~1 ms late (or early, then sleeps again), which is lost pace.
          await (this.clock.sleepUntil ? this.clock.sleepUntil(readyAt) : this.clock.sleep(readyAt - now));
          continue;
        }
        this.queue.shift();
        head.detach();
        this.lastSendAt = now;
        head.resolve();
      }
    } catch (error) {
      // Only a broken clock gets here: fail the waiters rather than leave them hanging.
      for (const waiter of this.queue.splice(0)) {
        waiter.detach();
        waiter.reject(error);
      }
    } finally {
      this.pumping = false;
    }
  }
}

/**
 * respond.io's limits are per organization, so every client in the process with the same token (and origin) shares
 * one limiter per endpoint. The token is hashed: the registry never holds it. Registries are per clock, because
 * pacing only makes sense on one time line (production: the system clock; tests: each its own fake clock).
 * A limiter idle for `idleMs` is forgotten (IdleMap): callers look it up on every attempt, never keep it.
 */
export const DEFAULT_LIMITER_IDLE_MS = 10 * 60_000;

export class LimiterRegistry {
  readonly #limiters: IdleMap<EndpointLimiter>;

  constructor(
    private readonly clock: Clock,
    idleMs = DEFAULT_LIMITER_IDLE_MS,
  ) {
    this.#limiters = new IdleMap(clock, idleMs);
  }

  get size(): number {
    return this.#limiters.size;
  }

  limiter(organization: string, endpointKey: string): EndpointLimiter {
    return this.#limiters.get(`${organization} ${endpointKey}`, () => new EndpointLimiter(this.clock));
  }
}

const registries = new WeakMap<Clock, LimiterRegistry>();

/**
 * The key of the organization whose rate budget a client spends: the Connection's explicit Organization (several
 * tokens of one organization share it) or a hash of the token (never the token); per origin either way, so the
 * simulator and respond.io never share one.
 */
export function organizationKey(token: string, baseUrl: string, organization?: string): string {
  const who = organization === undefined ? createHash('sha256').update(token).digest('hex') : `org:${organization}`;
  return `${who}@${new URL(baseUrl).origin}`;
}

/** The registry of a clock (created on first use, with the default idle time). */
export function limiterRegistry(clock: Clock): LimiterRegistry {
  let registry = registries.get(clock);
  if (!registry) registries.set(clock, (registry = new LimiterRegistry(clock)));
  return registry;
}

export function sharedLimiter(clock: Clock, organization: string, endpointKey: string): EndpointLimiter {
  return limiterRegistry(clock).limiter(organization, endpointKey);
}
