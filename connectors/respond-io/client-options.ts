import { systemClock, type Clock } from '../../runtime/clock.js';
import type { RunEnvironment } from '../../runtime/connector.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { describeRowIssues, schemaIssues } from '../../runtime/schema-issues.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import type { ClientOptions } from '../../schemas/generated/row-types.js';
import { InProcessRateBudget } from './budget/in-process-budget.js';
import type { RateBudget } from './budget/rate-budget.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';

/** The connectorOptions of the respond.io family, declared once: schemas/respond-io-client-options-1.0.0.json. */
export const CLIENT_OPTIONS_SCHEMA = { name: 'Respond.io - Client Options', version: '1.0.0' } as const;

export const DEFAULT_TIMEOUT_MS = 15_000;
/** 4 MiB: respond.io's bodies are a few kB (a contact, a message, a list page of 100); see the schema. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Functions a test or an embedding host injects beside the JSON options (not JSON, so not in the schema). */
export interface ClientHooks {
  /** Monotonic time for pacing and retry waits (tests inject a fake one). */
  clock?: Clock | undefined;
  /** [0, 1) source for backoff jitter. */
  random?: (() => number) | undefined;
  /** Date.now()-style wall clock: only to read Retry-After HTTP-dates. */
  wallClock?: (() => number) | undefined;
  /** Where the pace is kept (budget/README.md): default this process (InProcessRateBudget on `clock`); a Redis budget shares it between processes. */
  rateBudget?: RateBudget | undefined;
}

/** What a client works with: the JSON options with their defaults, and the hooks with theirs. */
export interface ResolvedFamilyOptions {
  timeoutMs: number;
  pacing: boolean;
  /** Identical GETs in flight share one request (coalescing.ts). */
  coalesce: boolean;
  /** Learn from X-RateLimit-Limit / -Remaining (learned-limits.ts). */
  rateLimitHeaders: boolean;
  maxResponseBytes: number;
  retryPolicy: RetryPolicy;
  clock: Clock;
  random: () => number;
  wallClock: () => number;
  rateBudget: RateBudget;
}

/** A run's connectorOptions as the family reads them; the client factory checks them (resolveFamilyOptions). */
export function connectorClientOptions(environment: RunEnvironment): ClientOptions & ClientHooks {
  return environment.connectorOptions as ClientOptions & ClientHooks;
}

const option = (message: string): ConfigurationError => new ConfigurationError('RC_INVALID_OPTION', message);

/**
 * Validates the family's options once, at client creation: the JSON part against 'Respond.io - Client Options' with
 * the registry's Ajv (the plugin's own in a run), the hooks by type. Messages name the option, the rule and the value.
 */
export function resolveFamilyOptions(options: ClientOptions & ClientHooks, registry: SchemaRegistry = SchemaRegistry.load()): ResolvedFamilyOptions {
  const { clock = systemClock, random = Math.random, wallClock = Date.now, rateBudget, ...json } = options;
  // Unset optional fields arrive as undefined from hosts that spread partial objects: not an option, not a problem.
  const defined = Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
  const { validate, schema } = registry.get(CLIENT_OPTIONS_SCHEMA.name, CLIENT_OPTIONS_SCHEMA.version);
  if (!validate(defined)) {
    const known = Object.keys((schema as { properties?: object }).properties ?? {});
    throw option(`${describeRowIssues(schemaIssues(validate.errors), 'connector option')} (${CLIENT_OPTIONS_SCHEMA.name} ${CLIENT_OPTIONS_SCHEMA.version}: ${known.join(', ')}; hooks: clock, random, wallClock, rateBudget)`);
  }
  const valid = defined as ClientOptions;
  if (typeof clock?.now !== 'function' || typeof clock.sleep !== 'function') throw option('clock must have now() and sleep(ms, signal)');
  if (typeof random !== 'function') throw option(`random must be a function returning a number in [0, 1), got ${typeof random}`);
  if (typeof wallClock !== 'function') throw option(`wallClock must be a function returning epoch milliseconds, got ${typeof wallClock}`);
  if (rateBudget !== undefined && typeof rateBudget?.endpoint !== 'function') throw option('rateBudget must be a RateBudget (endpoint(organization, endpointKey))');
  return {
    timeoutMs: valid.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    pacing: valid.pacing ?? true,
    coalesce: valid.coalesce ?? true,
    rateLimitHeaders: valid.rateLimitHeaders ?? true,
    maxResponseBytes: valid.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    retryPolicy: { ...defaultRetryPolicy, ...valid.retryPolicy },
    clock,
    random,
    wallClock,
    rateBudget: rateBudget ?? new InProcessRateBudget(clock),
  };
}
