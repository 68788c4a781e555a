import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../../runtime/clock.js';
import type { EndpointBudget, RateBudget, RateLimit, SendTicket } from './rate-budget.js';
import { BudgetConnection } from './redis-connection.js';
import { DEFAULT_KEY_PREFIX, endpointKeys, type EndpointKeys } from './redis-keys.js';
import { GATE_ADMITTED, GATE_PAUSED, gateScript, penalizeScript, reserveScript, restampScript } from './redis-scripts.js';

/**
 * The guard g: the gate's window is 1000 + g ms and slots are (1000 + g) / R apart, so a send may reach respond.io
 * up to g ms later (relative to the others) than its socket write was counted and still not make R + 1 in any
 * second. It costs g / (1000 + g) of the limit (2.4 % at 25 ms). budget/README.md has the measurement behind it.
 */
export const DEFAULT_GUARD_MS = 25;

export interface RedisBudgetOptions {
  /** redis:// or rediss:// URL (RESPONDIO_REDIS_URL). */
  url: string;
  /** Send-time spread the window absorbs, ms. Default DEFAULT_GUARD_MS. */
  guardMs?: number;
  /** Redis forgets an organization × endpoint this long after its last use, ms. Default 60 000. */
  idleMs?: number;
  /** Redis unreachable this long → waiting calls fail with RC_RATE_BUDGET_UNAVAILABLE, ms. Default 30 000. */
  outageLimitMs?: number;
  /** How long the first connection may take, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Key prefix (before the `{organization}` hash tag). Default 'respondio:rb'. */
  keyPrefix?: string;
  /** Only for sleeping and the outage limit; no decision reads it. Default systemClock. */
  clock?: Clock;
}

/** The scripts as ioredis commands (defineCommand: EVALSHA, and EVAL again after a Redis restart emptied the script cache). */
interface BudgetCommands {
  rbReserve(tat: string, penalty: string, intervalUs: number, idleMs: number): Promise<number>;
  rbGate(log: string, penalty: string, limit: number, windowUs: number, member: string, idleMs: number): Promise<[number, number, number?, number?]>;
  rbRestamp(log: string, member: string, sentUs: string): Promise<number>;
  rbPenalize(penalty: string, ms: number): Promise<number>;
}

/** Connects to Redis; throws a ConfigurationError (RC_RATE_BUDGET_UNAVAILABLE, host:port, no password) when it cannot. */
export async function openRedisBudget(options: RedisBudgetOptions): Promise<RedisRateBudget> {
  const clock = options.clock ?? systemClock;
  const guardMs = options.guardMs ?? DEFAULT_GUARD_MS;
  const connection = await BudgetConnection.open({
    url: options.url,
    clock,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    outageLimitMs: options.outageLimitMs ?? 30_000,
    settleMs: 1000 + guardMs,
  });
  connection.redis.defineCommand('rbReserve', { numberOfKeys: 2, lua: reserveScript });
  connection.redis.defineCommand('rbGate', { numberOfKeys: 2, lua: gateScript });
  connection.redis.defineCommand('rbRestamp', { numberOfKeys: 1, lua: restampScript });
  connection.redis.defineCommand('rbPenalize', { numberOfKeys: 1, lua: penalizeScript });
  return new RedisRateBudget(connection, { clock, guardMs, idleMs: options.idleMs ?? 60_000, keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX });
}

interface Settings {
  clock: Clock;
  guardMs: number;
  idleMs: number;
  keyPrefix: string;
}

/** One organization's limits shared by every process pointed at the same Redis (see redis-scripts.ts). */
export class RedisRateBudget implements RateBudget {
  readonly #connection: BudgetConnection;
  readonly #commands: BudgetCommands;
  readonly #settings: Settings;
  /** Members of the admitted-sends log must be unique across processes. */
  readonly #instance = randomBytes(6).toString('hex');
  #sequence = 0;

  constructor(connection: BudgetConnection, settings: Settings) {
    this.#connection = connection;
    this.#commands = connection.redis as unknown as BudgetCommands;
    this.#settings = settings;
  }

  get windowMs(): number {
    return 1000 + this.#settings.guardMs;
  }

  endpoint(organization: string, endpointKey: string): EndpointBudget {
    return new RedisEndpointBudget(this, endpointKeys(organization, endpointKey, this.#settings.keyPrefix));
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  /** @internal Used by RedisEndpointBudget. */
  async reserve(keys: EndpointKeys, limit: number, signal?: AbortSignal): Promise<void> {
    const intervalUs = Math.ceil((this.windowMs * 1000) / positive(limit));
    const waitUs = await this.#connection.run(() => this.#commands.rbReserve(keys.tat, keys.penalty, intervalUs, this.#settings.idleMs), signal);
    if (waitUs > 0) await this.#settings.clock.sleep(waitUs / 1000, signal);
  }

  /** @internal */
  async gate(keys: EndpointKeys, limit: number, signal?: AbortSignal): Promise<SendTicket> {
    for (;;) {
      const member = `${this.#instance}:${this.#sequence++}`;
      const [status, waitUs, admittedUs, recent] = await this.#connection.run(() => this.#commands.rbGate(keys.log, keys.penalty, wholeSends(limit), this.windowMs * 1000, member, this.#settings.idleMs), signal);
      if (status === GATE_ADMITTED) return this.#ticket(keys, member, admittedUs ?? 0, this.#settings.clock.now(), recent);
      // Rounded up: waking a moment early only costs another round trip, but a timer rounded down wakes early always.
      await this.#settings.clock.sleep(Math.ceil(waitUs / 1000), signal);
      if (status === GATE_PAUSED) await this.reserve(keys, limit, signal);
    }
  }

  /** The send counts from its socket write: Redis's admission time + the delay measured here (restampScript). */
  #ticket(keys: EndpointKeys, member: string, admittedUs: number, admittedAt: number, recent: number | undefined): SendTicket {
    return {
      // Every process's sends in the second up to this admission, counted by Redis: with a shared budget those are all "ours".
      windowCount: () => recent,
      noteSent: (sentAt) => {
        const delayUs = Math.round((sentAt - admittedAt) * 1000);
        if (!(delayUs > 0)) return;
        // Fire and forget: the request is already on its way. If Redis went away meanwhile, its state is gone too.
        this.#connection.run(() => this.#commands.rbRestamp(keys.log, member, String(admittedUs + delayUs))).catch(() => undefined);
      },
    };
  }

  /** @internal */
  async penalize(keys: EndpointKeys, retryAfterMs: number): Promise<void> {
    await this.#connection.run(() => this.#commands.rbPenalize(keys.penalty, Math.max(1, Math.ceil(retryAfterMs))));
  }

  /** @internal */
  async pauseRemainingMs(keys: EndpointKeys): Promise<number> {
    return Math.max(0, await this.#connection.run(() => this.#connection.redis.pttl(keys.penalty)));
  }
}

class RedisEndpointBudget implements EndpointBudget {
  constructor(
    private readonly store: RedisRateBudget,
    readonly keys: EndpointKeys,
  ) {}

  acquire(limit: RateLimit, signal?: AbortSignal): Promise<void> {
    return this.store.reserve(this.keys, typeof limit === 'function' ? limit() : limit, signal);
  }

  gate(limit: number, signal?: AbortSignal): Promise<SendTicket> {
    return this.store.gate(this.keys, limit, signal);
  }

  penalize(retryAfterMs: number): Promise<void> {
    return this.store.penalize(this.keys, retryAfterMs);
  }

  pauseRemainingMs(): Promise<number> {
    return this.store.pauseRemainingMs(this.keys);
  }
}

function positive(limit: number): number {
  if (!(Number.isFinite(limit) && limit > 0)) throw new RangeError(`a rate limit must be a positive number of requests per second, got ${limit}`);
  return limit;
}

/** The gate counts whole sends: a 'Rate limits' setting of 2.5/s admits at most 2 in a window (slots stay 1/2.5 s apart). */
function wholeSends(limit: number): number {
  return Math.max(1, Math.floor(positive(limit)));
}
