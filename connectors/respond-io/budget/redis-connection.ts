import { Redis } from 'ioredis';
import type { Clock } from '../../../runtime/clock.js';
import { ConfigurationError } from '../../../runtime/errors.js';
import { redisAddress } from './redis-address.js';

const RETRY_PAUSE_MS = 20;

export interface ConnectionOptions {
  url: string;
  clock: Clock;
  /** How long a first connection may take before the start fails. */
  connectTimeoutMs: number;
  /** Redis unreachable this long → waiting calls fail with RC_RATE_BUDGET_UNAVAILABLE. */
  outageLimitMs: number;
  /** Wait after a reconnection before anything is admitted: Redis may have restarted empty, and sends admitted before it went away still count at respond.io for one window. */
  settleMs: number;
}

/**
 * One ioredis connection with the failure rules of the shared budget: nothing is sent on a guess. A command never
 * waits in ioredis's offline queue (it would run later, unseen, on a Redis that may have lost the state); it fails,
 * and the caller's step waits here until Redis is back and settled, then starts over. Past the outage limit the
 * waiting calls fail with a ConfigurationError: the run stops, the rows done so far are kept.
 */
export class BudgetConnection {
  readonly redis: Redis;
  readonly address: string;
  readonly #options: ConnectionOptions;
  /** Clock time Redis was first seen gone (undefined while it is up). */
  #downSince: number | undefined;
  #settledAt = Number.NEGATIVE_INFINITY;
  #readyWaiters = new Set<() => void>();
  #closed = false;

  private constructor(redis: Redis, address: string, options: ConnectionOptions) {
    this.redis = redis;
    this.address = address;
    this.#options = options;
    redis.on('close', () => this.#markDown());
    redis.on('ready', () => {
      if (this.#downSince !== undefined) this.#settledAt = options.clock.now() + options.settleMs;
      this.#downSince = undefined;
      for (const wake of this.#readyWaiters) wake();
    });
  }

  /** Connects, or throws a ConfigurationError naming host:port (never the password) when Redis cannot be reached. */
  static async open(options: ConnectionOptions): Promise<BudgetConnection> {
    const address = redisAddress(options.url);
    const redis = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Keep trying while the budget waits; the outage limit, not ioredis, decides when to give up.
      retryStrategy: (times) => Math.min(50 * times, 500),
    });
    const failure = await connectOrExplain(redis);
    if (failure) throw new ConfigurationError('RC_RATE_BUDGET_UNAVAILABLE', `cannot reach the rate budget Redis at ${address}: ${failure.reason}`, { cause: failure.cause });
    return new BudgetConnection(redis, address, options);
  }

  /**
   * Runs one Redis step. When Redis is gone (before or during the step), waits until it is back and settled and
   * runs the step again; a step whose answer was lost may have reserved a slot or admitted a send: that slot is
   * wasted, never doubled. Rejects with RC_RATE_BUDGET_UNAVAILABLE after the outage limit, or the signal's reason.
   */
  async run<T>(step: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      await this.#available(signal);
      try {
        return await step();
      } catch (error) {
        // Only a lost connection is waited out; a Redis error reply (a wrong type) or a bug would not go away.
        if (!this.#lostConnection(error)) throw error;
        this.#markDown();
        // The 'close' event may come a moment after the failed command: do not spin on a dying connection.
        await this.#options.clock.sleep(RETRY_PAUSE_MS, signal);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#readyWaiters) wake();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  #lostConnection(error: unknown): boolean {
    if (this.redis.status !== 'ready') return true;
    if (!(error instanceof Error) || error.name === 'ReplyError') return false;
    const code = (error as { code?: unknown }).code;
    return error.name === 'MaxRetriesPerRequestError' || /Connection is closed|Stream isn't writeable/.test(error.message) || (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH)/.test(code));
  }

  #markDown(): void {
    this.#downSince ??= this.#options.clock.now();
  }

  async #available(signal?: AbortSignal): Promise<void> {
    const { clock, outageLimitMs } = this.#options;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      if (this.#closed) throw new ConfigurationError('RC_RATE_BUDGET_UNAVAILABLE', `the rate budget (Redis at ${this.address}) is closed`);
      if (this.redis.status === 'ready') {
        // A failed step on a connection that stayed up is no outage (the settle only follows a reconnection).
        this.#downSince = undefined;
        const settle = this.#settledAt - clock.now();
        if (settle > 0) await clock.sleep(settle, signal);
        return;
      }
      this.#markDown();
      const left = (this.#downSince as number) + outageLimitMs - clock.now();
      if (left <= 0) {
        throw new ConfigurationError('RC_RATE_BUDGET_UNAVAILABLE', `the rate budget Redis at ${this.address} has been unreachable for more than ${outageLimitMs} ms (outage limit); no request was sent without it`);
      }
      await this.#readyOrTimeout(Math.min(left, 250), signal);
    }
  }

  /** Waits for the next 'ready', at most `ms` (then the loop looks again: the status may change without an event). */
  async #readyOrTimeout(ms: number, signal?: AbortSignal): Promise<void> {
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const wake = (): void => stop.abort();
    this.#readyWaiters.add(wake);
    try {
      await this.#options.clock.sleep(ms, stop.signal).catch(() => undefined);
    } finally {
      this.#readyWaiters.delete(wake);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * Connects a lazyConnect client; on failure disconnects it and says why (the error code, never the URL), so that
 * the caller can name host:port. Keeps an 'error' listener on it: ioredis emits one on every failed (re)connection,
 * and without a listener Node would crash the process.
 */
export async function connectOrExplain(redis: Redis): Promise<{ reason: string; cause: unknown } | undefined> {
  let lastError: unknown;
  redis.on('error', (error: unknown) => (lastError = error));
  try {
    await redis.connect();
    return undefined;
  } catch (error) {
    redis.disconnect();
    return { reason: describe(lastError ?? error), cause: lastError ?? error };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${error.message})` : error.message;
  }
  return String(error);
}
