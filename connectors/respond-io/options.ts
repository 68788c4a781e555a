import { systemClock, type Clock } from '../../runtime/clock.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import { documentedRateLimits, parseEndpointKey } from './endpoints.js';
import { resolveRetryPolicy, type RetryPolicy } from './retry-policy.js';

export const DEFAULT_BASE_URL = 'https://api.respond.io/v2';
export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_RATE_LIMIT = 1000;

export interface RespondIoClientOptions {
  /** respond.io API Access Token (a secret: never logged, never in a message). */
  token: string;
  /** Default https://api.respond.io/v2; tests and the simulator point it at a loopback URL. */
  baseUrl?: string | undefined;
  /** Per attempt, whole request (got has no timeout by default). 1–600000, default 15000. */
  timeoutMs?: number | undefined;
  /** Requests per second by 'METHOD /path/{template}', over the documented table (organizations with raised limits). */
  rateLimits?: Readonly<Record<string, number | undefined>> | undefined;
  retryPolicy?: Partial<RetryPolicy> | undefined;
  /**
   * false: no spacing between sends, for a server without limits (the simulator with limits off, a sandbox) or a
   * host that paces upstream itself. A 429's Retry-After still pauses the endpoint. Default true.
   */
  pacing?: boolean | undefined;
  /** Monotonic time for pacing and retry waits (tests inject a fake one). */
  clock?: Clock | undefined;
  /** [0, 1) source for backoff jitter. */
  random?: (() => number) | undefined;
  /** Date.now()-style wall clock: only to read Retry-After HTTP-dates. */
  wallClock?: (() => number) | undefined;
  logger?: Logger | undefined;
}

export interface ResolvedClientOptions {
  token: string;
  baseUrl: string;
  timeoutMs: number;
  rateLimits: Readonly<Record<string, number>>;
  retryPolicy: RetryPolicy;
  pacing: boolean;
  clock: Clock;
  random: () => number;
  wallClock: () => number;
  logger: Logger;
}

const option = (message: string): ConfigurationError => new ConfigurationError('RC_INVALID_OPTION', message);

/** Validates every option once, at creation; messages name the option, the range and the value (never the token's). */
export function resolveClientOptions(options: RespondIoClientOptions): ResolvedClientOptions {
  const { token } = options;
  // Said without the value: it is a secret. Whitespace or control characters would break (or inject) the header.
  if (typeof token !== 'string' || token.length === 0) throw new ConfigurationError('RC_INVALID_CONNECTION', 'token is missing: set Connection.Token to a respond.io API Access Token');
  if (/[\s\u0000-\u001f\u007f]/.test(token)) throw new ConfigurationError('RC_INVALID_CONNECTION', 'token contains spaces or control characters (value not shown: it is a secret)');

  const baseUrl = resolveBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw option(`timeoutMs must be an integer from 1 to 600000 (ms), got ${JSON.stringify(timeoutMs)}`);

  const rateLimits: Record<string, number> = { ...documentedRateLimits };
  for (const [key, rps] of Object.entries(options.rateLimits ?? {})) {
    if (rps === undefined) continue;
    if (!parseEndpointKey(key)) throw new ConfigurationError('RC_INVALID_SETTINGS', `Rate limits key ${JSON.stringify(key)} must look like 'GET /contact/{identifier}'`);
    if (typeof rps !== 'number' || !(rps > 0) || rps > MAX_RATE_LIMIT) {
      throw new ConfigurationError('RC_INVALID_SETTINGS', `Rate limits[${JSON.stringify(key)}] must be a number of requests per second in (0, ${MAX_RATE_LIMIT}], got ${JSON.stringify(rps)}`);
    }
    rateLimits[key] = rps;
  }

  const pacing = options.pacing ?? true;
  if (typeof pacing !== 'boolean') throw option(`pacing must be true or false, got ${JSON.stringify(pacing)}`);
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function' || typeof clock.sleep !== 'function') throw option('clock must have now() and sleep(ms, signal)');
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw option(`random must be a function returning a number in [0, 1), got ${typeof random}`);
  const wallClock = options.wallClock ?? Date.now;
  if (typeof wallClock !== 'function') throw option(`wallClock must be a function returning epoch milliseconds, got ${typeof wallClock}`);
  const logger = options.logger ?? silentLogger;

  return { token, baseUrl, timeoutMs, rateLimits, retryPolicy: resolveRetryPolicy(options.retryPolicy), pacing, clock, random, wallClock, logger };
}

function resolveBaseUrl(value: unknown): string {
  const invalid = (why: string): ConfigurationError => new ConfigurationError('RC_INVALID_CONNECTION', `baseUrl ${why}, got ${JSON.stringify(value)}`);
  if (typeof value !== 'string') throw invalid('must be a string URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('must be an absolute http(s) URL like https://api.respond.io/v2');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must use http or https');
  // Credentials in the URL would be logged with it; a query or fragment would be lost under got's prefixUrl.
  if (url.username !== '' || url.password !== '') throw new ConfigurationError('RC_INVALID_CONNECTION', 'baseUrl must not carry credentials (value not shown)');
  if (url.search !== '' || url.hash !== '') throw invalid('must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}
