import type { FastifyServerOptions, RouteOptions } from 'fastify';
import type { Clock } from '../../runtime/clock.js';
import { systemClock } from '../../runtime/clock.js';
import type { Plugin } from '../../runtime/plugin.js';
import { HOST_TIMEOUTS, type HostTimeouts } from './timeouts.js';
import type { DurableOptions } from './durable/durable-mode.js';
import { RESPONDIO_UPSTREAMS } from './upstream-allowlist.js';

/** What `buildServer` accepts. Every field has a default; options are checked when the server is built. */
export interface ServerOptions {
  /** The plugin to serve (default: `loadPlugin()`, the connectors this package ships). */
  plugin?: Plugin;
  /** The Bearer key clients must send (default: env `RESPONDIO_CONNECTORS_API_KEY`). */
  apiKey?: string | undefined;
  /**
   * Serve without an API key. Only then do requests from a non-loopback address get refused (401), so an open host
   * is reachable from the machine itself only. `serve --open` also refuses a non-loopback `--host`.
   */
  allowOpenOnLoopback?: boolean;
  /** Largest JSON body in bytes (default 8 MiB); for NDJSON bodies, the largest line. Over it: 413. */
  bodyLimit?: number;
  /** Background runs (`/v1/runs`): in-flight cap, and how many finished runs are kept, for how long. */
  runs?: { maxKept?: number; keepForMs?: number; maxInFlight?: number };
  /** On close: how long runs in flight may go on before they are cancelled (default 30 s). */
  shutdownGraceMs?: number;
  /** pino options for fastify's logger (`{ level, stream }` …), or false for none (default `{ level: 'info' }`). */
  logger?: FastifyServerOptions['logger'];
  /** Time for ETA and run expiry (tests). */
  clock?: Clock;
  /** `Base URL` used when a request's Connection has none (e.g. the simulator's URL); env `RESPONDIO_BASE_URL`. */
  baseUrl?: string | undefined;
  /**
   * Base URLs and webhook URLs a request's Connection may name, besides respond.io's own and `baseUrl` (its origin).
   * Anything else is refused with 400 RC_UPSTREAM_NOT_ALLOWED: the token must not be sent where a caller points it.
   */
  allowedUpstreams?: readonly string[];
  /** Accept loopback upstream URLs too (the simulator): `serve` sets it when it listens on loopback only. */
  allowLoopbackUpstreams?: boolean;
  /** Calls in flight per run when the request does not say (default: the runtime's, 8). */
  concurrency?: number;
  /** Passed to the connectors as is (respond.io client options: timeoutMs, retryPolicy…). */
  connectorOptions?: Readonly<Record<string, unknown>>;
  /**
   * Durable mode: background runs in Redis, run by BullMQ workers, answered by any replica (durable/durable-mode.ts).
   * Without it, background runs live in this process's memory.
   */
  durable?: DurableOptions;
  /** Sees every route as it is registered (fastify's onRoute hook): an embedding can list them; the OpenAPI test does. */
  onRoute?: (route: RouteOptions) => void;
  /** Slow-client and idle limits in ms (default HOST_TIMEOUTS, hosts/http/timeouts.ts); 0 turns one off. */
  timeouts?: Partial<HostTimeouts>;
}

export interface ResolvedOptions {
  apiKey: string | undefined;
  allowOpenOnLoopback: boolean;
  bodyLimit: number;
  runs: { maxKept: number; keepForMs: number; maxInFlight: number };
  shutdownGraceMs: number;
  clock: Clock;
  baseUrl: string | undefined;
  allowedUpstreams: readonly string[];
  allowLoopbackUpstreams: boolean;
  concurrency: number | undefined;
  connectorOptions: Readonly<Record<string, unknown>>;
  timeouts: HostTimeouts;
}

export const API_KEY_ENV = 'RESPONDIO_CONNECTORS_API_KEY';
export const BASE_URL_ENV = 'RESPONDIO_BASE_URL';

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
    throw new RangeError(`buildServer: ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(chosen)}`);
  }
  return chosen;
}

/** The default base URL's origin: the simulator serves its Custom Channel webhook beside its API. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function resolveOptions(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const apiKey = options.apiKey ?? (env[API_KEY_ENV] || undefined);
  const allowOpenOnLoopback = options.allowOpenOnLoopback ?? false;
  if (apiKey === undefined && !allowOpenOnLoopback) {
    throw new Error(`buildServer: no API key: set ${API_KEY_ENV} or pass apiKey (or allowOpenOnLoopback for a loopback-only open host)`);
  }
  if (apiKey !== undefined && apiKey.length < 16) {
    throw new RangeError(`buildServer: the API key must be at least 16 characters, got ${apiKey.length}`);
  }
  const baseUrl = options.baseUrl ?? (env[BASE_URL_ENV] || undefined);
  return {
    apiKey,
    allowOpenOnLoopback,
    bodyLimit: integer('bodyLimit', options.bodyLimit, 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    runs: {
      maxKept: integer('runs.maxKept', options.runs?.maxKept, 100, 0, 100_000),
      keepForMs: integer('runs.keepForMs', options.runs?.keepForMs, 60 * 60 * 1000, 0, 7 * 24 * 3600 * 1000),
      maxInFlight: integer('runs.maxInFlight', options.runs?.maxInFlight, 16, 1, 10_000),
    },
    shutdownGraceMs: integer('shutdownGraceMs', options.shutdownGraceMs, 30_000, 0, 24 * 3600 * 1000),
    clock: options.clock ?? systemClock,
    baseUrl,
    allowedUpstreams: [...RESPONDIO_UPSTREAMS, ...(baseUrl === undefined ? [] : [originOf(baseUrl)]), ...(options.allowedUpstreams ?? [])],
    allowLoopbackUpstreams: options.allowLoopbackUpstreams ?? false,
    concurrency: options.concurrency,
    connectorOptions: options.connectorOptions ?? {},
    timeouts: resolveTimeouts(options.timeouts),
  };
}

const DAY_MS = 24 * 3600 * 1000;

function resolveTimeouts(given: Partial<HostTimeouts> = {}): HostTimeouts {
  const each = (name: keyof HostTimeouts, min: number): number => integer(`timeouts.${name}`, given[name], HOST_TIMEOUTS[name], min, DAY_MS);
  const timeouts = { headersMs: each('headersMs', 0), idleMs: each('idleMs', 0), keepAliveMs: each('keepAliveMs', 0), requestMs: each('requestMs', 0), checkEveryMs: each('checkEveryMs', 1) };
  // Node silently swaps the two when the header limit is the longer one.
  if (timeouts.requestMs > 0 && timeouts.headersMs > timeouts.requestMs) throw new RangeError('buildServer: timeouts.headersMs must not exceed timeouts.requestMs');
  return timeouts;
}
