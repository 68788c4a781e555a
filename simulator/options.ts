import type { FastifyPluginAsync } from 'fastify';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { SimulatorData } from './data.js';
import { endpoints, type EndpointKey } from './endpoints.js';
import { DEFAULT_BURST_MS, DEFAULT_SLOW_MS, defaultFaultKinds, faultKinds, type FaultOptions, type ResolvedFaults } from './faults.js';
import { hashUnit } from './prng.js';
import type { SimulatorStats } from './stats.js';

/** Shared state handed to extra plugins (e.g. a Custom Channel webhook added later). */
export interface SimulatorPluginOptions {
  data: SimulatorData;
  stats: SimulatorStats;
  token: string;
  clock: Clock;
}

export type SimulatorPlugin =
  | FastifyPluginAsync<SimulatorPluginOptions>
  | { plugin: FastifyPluginAsync<SimulatorPluginOptions>; prefix?: string };

export interface SimulatorOptions {
  /** Seed of every random draw (data, faults, latency). Integer 0 … 2^32-1. Default 1. */
  seed?: number;
  /** How many contacts to generate. Default 5000. */
  contacts?: number;
  /** Average messages per contact. Default 3. */
  messagesPerContact?: number;
  /** The one Bearer token accepted. Default: `sim-token-<seed>-<8 hex>` (see defaultToken). */
  token?: string;
  /** 'documented' (seed 003, default), false (no limits), or per-endpoint overrides over the documented ones. */
  limits?: 'documented' | false | Partial<Record<EndpointKey, number>>;
  /**
   * Someone else in the organization spending part of an endpoint's budget: endpoint → share of its limit per second
   * (0 < share < 1; 0.3 at 10/s = 3 evenly spaced takes a second). Needs limits. Default none. See foreign-consumer.ts.
   */
  foreignConsumer?: Partial<Record<EndpointKey, number>>;
  /** Added latency per request, ms: a number or [min, max]. Default 0. */
  latencyMs?: number | readonly [number, number];
  /** Fault injection; default none. */
  faults?: FaultOptions | false;
  /** Time for the rate limiter, the 449 window, latency and slow answers. Default systemClock. */
  clock?: Clock;
  /** A contact created less than this many ms ago answers 449 to GET. Default 2000. */
  creatingMs?: number;
  /** How many entries the request log keeps (0 = no log). Default 10000. */
  requestLog?: number;
  /** fastify's logger. Default false. */
  logger?: boolean;
  /** Extra fastify plugins, registered beside /v2 (not behind its auth or limits). */
  plugins?: readonly SimulatorPlugin[];
}

export interface StartOptions extends SimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface ResolvedOptions {
  seed: number;
  contacts: number;
  messagesPerContact: number;
  token: string;
  limits: ReadonlyMap<string, number> | false;
  /** endpoint → [requests per second the foreign consumer spends, the endpoint's limit] */
  foreignConsumer: ReadonlyMap<string, readonly [number, number]>;
  latencyMs: readonly [number, number];
  faults: ResolvedFaults;
  clock: Clock;
  creatingMs: number;
  requestLog: number;
  logger: boolean;
  plugins: readonly SimulatorPlugin[];
}

export class SimulatorOptionError extends Error {
  override name = 'SimulatorOptionError';
}

const MAX_CONTACTS = 1_000_000;

/** The dev token of a seed: recognisable in logs, and long enough that redaction tests can search for it. */
export function defaultToken(seed: number): string {
  const hex = Math.floor(hashUnit(seed, 'token') * 0xffffffff).toString(16).padStart(8, '0');
  return `sim-token-${seed}-${hex}`;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const seed = integer('seed', options.seed, 1, 0, 0xffffffff);
  const token = options.token ?? defaultToken(seed);
  if (typeof token !== 'string' || !/^[\x21-\x7e]{8,512}$/.test(token)) {
    // Never echo the token itself: it may be a real one pasted by mistake.
    const got = typeof token === 'string' ? `a string of ${token.length} characters` : describe(token);
    throw new SimulatorOptionError(`option token must be 8 to 512 visible ASCII characters (no spaces), got ${got}`);
  }
  const limits = resolveLimits(options.limits);
  return {
    seed,
    contacts: integer('contacts', options.contacts, 5000, 1, MAX_CONTACTS),
    messagesPerContact: integer('messagesPerContact', options.messagesPerContact, 3, 0, 100),
    token,
    limits,
    foreignConsumer: resolveForeignConsumer(options.foreignConsumer, limits),
    latencyMs: resolveLatency(options.latencyMs),
    faults: resolveFaults(options.faults),
    clock: resolveClock(options.clock),
    creatingMs: integer('creatingMs', options.creatingMs, 2000, 0, 3_600_000),
    requestLog: integer('requestLog', options.requestLog, 10_000, 0, 10_000_000),
    logger: options.logger ?? false,
    plugins: options.plugins ?? [],
  };
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SimulatorOptionError(`option ${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function resolveLimits(limits: SimulatorOptions['limits']): ReadonlyMap<string, number> | false {
  if (limits === false) return false;
  const table = new Map<string, number>(endpoints.map((e) => [e.key, e.documentedLimit]));
  if (limits === undefined || limits === 'documented') return table;
  if (typeof limits !== 'object' || limits === null) {
    throw new SimulatorOptionError(`option limits must be 'documented', false or an object of overrides, got ${describe(limits)}`);
  }
  for (const [key, value] of Object.entries(limits)) {
    if (!table.has(key)) throw new SimulatorOptionError(`option limits: unknown endpoint "${key}" (expected one of ${[...table.keys()].join(', ')})`);
    table.set(key, integer(`limits["${key}"]`, value, 1, 1, 100_000));
  }
  return table;
}

function resolveForeignConsumer(option: SimulatorOptions['foreignConsumer'], limits: ReadonlyMap<string, number> | false): ReadonlyMap<string, readonly [number, number]> {
  const rates = new Map<string, readonly [number, number]>();
  if (option === undefined) return rates;
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new SimulatorOptionError(`option foreignConsumer must be an object of endpoint → share (0 < share < 1), got ${describe(option)}`);
  }
  for (const [key, share] of Object.entries(option)) {
    if (limits === false) throw new SimulatorOptionError('option foreignConsumer needs rate limits (limits is false): there is no budget to share');
    const limit = limits.get(key);
    if (limit === undefined) throw new SimulatorOptionError(`option foreignConsumer: unknown endpoint "${key}" (expected one of ${[...limits.keys()].join(', ')})`);
    if (typeof share !== 'number' || !(share > 0 && share < 1)) {
      throw new SimulatorOptionError(`option foreignConsumer["${key}"] must be a share of the limit between 0 and 1 (exclusive), got ${describe(share)}`);
    }
    rates.set(key, [share * limit, limit]);
  }
  return rates;
}

function resolveLatency(latency: SimulatorOptions['latencyMs']): readonly [number, number] {
  if (latency === undefined) return [0, 0];
  if (typeof latency === 'number') {
    const ms = integer('latencyMs', latency, 0, 0, 600_000);
    return [ms, ms];
  }
  if (!Array.isArray(latency) || latency.length !== 2) {
    throw new SimulatorOptionError(`option latencyMs must be a number or [min, max], got ${describe(latency)}`);
  }
  const min = integer('latencyMs[0]', latency[0], 0, 0, 600_000);
  const max = integer('latencyMs[1]', latency[1], 0, min, 600_000);
  return [min, max];
}

function resolveFaults(faults: SimulatorOptions['faults']): ResolvedFaults {
  if (faults === undefined || faults === false) return { rate: 0, kinds: [], slowMs: DEFAULT_SLOW_MS, burstMs: DEFAULT_BURST_MS };
  if (typeof faults !== 'object' || faults === null) throw new SimulatorOptionError(`option faults must be an object or false, got ${describe(faults)}`);
  const { rate } = faults;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new SimulatorOptionError(`option faults.rate must be a number from 0 to 1, got ${describe(rate)}`);
  }
  const kinds = faults.kinds ?? defaultFaultKinds;
  for (const kind of kinds) {
    if (!(faultKinds as readonly string[]).includes(kind)) {
      throw new SimulatorOptionError(`option faults.kinds: unknown kind ${describe(kind)} (expected ${faultKinds.join(', ')})`);
    }
  }
  return {
    rate,
    kinds: [...kinds],
    slowMs: integer('faults.slowMs', faults.slowMs, DEFAULT_SLOW_MS, 1, 3_600_000),
    burstMs: integer('faults.burstMs', faults.burstMs, DEFAULT_BURST_MS, 1, 3_600_000),
  };
}

function resolveClock(clock: Clock | undefined): Clock {
  if (clock === undefined) return systemClock;
  if (typeof clock.now !== 'function' || typeof clock.sleep !== 'function') {
    throw new SimulatorOptionError('option clock must have now() and sleep(ms, signal)');
  }
  return clock;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? `an array of ${value.length}` : typeof value;
}
