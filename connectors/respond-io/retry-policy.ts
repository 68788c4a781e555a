import { ConfigurationError } from '../../runtime/errors.js';
import { calculateQueuedDelay, calculateRetryDelay } from './calculate-retry-delay.js';
import { HTTP_METHODS, type HttpMethod } from './endpoints.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * What the client does when an attempt fails, as data (one table, not `if`s per connector). Every wait is capped:
 * a call whose next wait would pass a cap ends as RC_RETRY_BUDGET_EXHAUSTED with the last status.
 */
export interface RetryPolicy {
  /** Attempts per call, the first one included. */
  maxAttempts: number;
  /** Longest single wait before a retry (a Retry-After, a 449 delay or a backoff). */
  maxSingleWaitMs: number;
  /** Longest sum of the retry waits of one call. */
  maxTotalWaitMs: number;
  /** 429 without a usable Retry-After waits this long. */
  defaultRetryAfterMs: number;
  /** 449 (resource still being created): deterministic doubling from queuedBaseMs up to queuedMaxMs. */
  queuedBaseMs: number;
  queuedMaxMs: number;
  /** Transient failures: exponential backoff with full jitter, from backoffBaseMs up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  transientStatusCodes: number[];
  /** Network failures worth another attempt. DNS ENOTFOUND is not one: it will not fix itself within a row. */
  transientErrorCodes: string[];
  /**
   * Methods whose transient failures (transientStatusCodes, timeouts, resets) are retried. Only GET by default:
   * a POST that timed out may have taken effect, and sending it again could send a message twice.
   */
  retryTransientMethods: HttpMethod[];
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze<RetryPolicy>({
  maxAttempts: 5,
  maxSingleWaitMs: 60_000,
  maxTotalWaitMs: 120_000,
  defaultRetryAfterMs: 1_000,
  queuedBaseMs: 2_000,
  queuedMaxMs: 30_000,
  backoffBaseMs: 500,
  backoffMaxMs: 10_000,
  transientStatusCodes: [502, 503, 504],
  transientErrorCodes: ['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED'],
  retryTransientMethods: ['GET'],
});

const integerFields: Record<string, [min: number, max: number]> = {
  maxAttempts: [1, 20],
  maxSingleWaitMs: [0, 3_600_000],
  maxTotalWaitMs: [0, 24 * 3_600_000],
  defaultRetryAfterMs: [0, 3_600_000],
  queuedBaseMs: [0, 3_600_000],
  queuedMaxMs: [0, 3_600_000],
  backoffBaseMs: [0, 3_600_000],
  backoffMaxMs: [0, 3_600_000],
};

const bad = (message: string): ConfigurationError => new ConfigurationError('RC_INVALID_OPTION', message);

/** Defaults overlaid with a partial override, validated: messages name the field, the range and the value. */
export function resolveRetryPolicy(override: unknown): RetryPolicy {
  if (override === undefined) return { ...defaultRetryPolicy };
  if (override === null || typeof override !== 'object' || Array.isArray(override)) throw bad(`retryPolicy must be an object, got ${JSON.stringify(override)}`);
  const policy: RetryPolicy = { ...defaultRetryPolicy };
  for (const [field, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const range = integerFields[field];
    if (range) {
      if (!Number.isInteger(value) || (value as number) < range[0] || (value as number) > range[1]) {
        throw bad(`retryPolicy.${field} must be an integer from ${range[0]} to ${range[1]}, got ${JSON.stringify(value)}`);
      }
      (policy as unknown as Record<string, number>)[field] = value as number;
    } else if (field === 'transientStatusCodes') {
      if (!Array.isArray(value) || !value.every((code) => Number.isInteger(code) && code >= 500 && code <= 599)) {
        throw bad(`retryPolicy.transientStatusCodes must be a list of 5xx status codes, got ${JSON.stringify(value)}`);
      }
      policy.transientStatusCodes = [...value];
    } else if (field === 'transientErrorCodes') {
      if (!Array.isArray(value) || !value.every((code) => typeof code === 'string' && /^E[A-Z_]+$/.test(code))) {
        throw bad(`retryPolicy.transientErrorCodes must be a list of error codes like "ECONNRESET", got ${JSON.stringify(value)}`);
      }
      policy.transientErrorCodes = [...value];
    } else if (field === 'retryTransientMethods') {
      if (!Array.isArray(value) || !value.every((method) => (HTTP_METHODS as readonly unknown[]).includes(method))) {
        throw bad(`retryPolicy.retryTransientMethods must be a list of ${HTTP_METHODS.join('/')}, got ${JSON.stringify(value)}`);
      }
      policy.retryTransientMethods = [...value];
    } else {
      throw bad(`retryPolicy.${field} is not a retry policy field (known: ${[...Object.keys(integerFields), 'transientStatusCodes', 'transientErrorCodes', 'retryTransientMethods'].join(', ')})`);
    }
  }
  return policy;
}

/** How one attempt ended, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: 'status'; status: number; retryAfter?: string | string[] | undefined }
  | { kind: 'network'; code: string };

export type RetryReason = 'rate-limited' | 'queued' | 'transient';

export type RetryDecision =
  | { action: 'stop' }
  | { action: 'retry'; reason: RetryReason; waitMs: number }
  | { action: 'give-up'; reason: RetryReason; waitMs: number; why: string };

export interface RetryContext {
  method: HttpMethod;
  /** Attempts made so far, the failed one included (1 after the first). */
  attempts: number;
  /** Retry waits already spent by this call. */
  waitedMs: number;
  policy: RetryPolicy;
  random: () => number;
  /** Date.now()-style wall clock, for Retry-After dates. */
  wallNowMs: number;
}

/**
 * The policy table: 429 → Retry-After (or the default) · 449 → doubling delay · transient 5xx and network errors on
 * retryTransientMethods → full-jitter backoff · anything else (400/401/403/404, other 4xx, 500) → stop.
 */
export function decideRetry(outcome: AttemptOutcome, context: RetryContext): RetryDecision {
  const { policy } = context;
  let reason: RetryReason;
  let waitMs: number;
  if (outcome.kind === 'status' && outcome.status === 429) {
    reason = 'rate-limited';
    waitMs = parseRetryAfter(outcome.retryAfter, context.wallNowMs) ?? policy.defaultRetryAfterMs;
  } else if (outcome.kind === 'status' && outcome.status === 449) {
    reason = 'queued';
    waitMs = calculateQueuedDelay(context.attempts, policy.queuedBaseMs, policy.queuedMaxMs);
  } else if (
    context.policy.retryTransientMethods.includes(context.method) &&
    (outcome.kind === 'status' ? policy.transientStatusCodes.includes(outcome.status) : policy.transientErrorCodes.includes(outcome.code))
  ) {
    reason = 'transient';
    waitMs = calculateRetryDelay(context.attempts, policy.backoffBaseMs, policy.backoffMaxMs, context.random);
  } else {
    return { action: 'stop' };
  }
  if (context.attempts >= policy.maxAttempts) return { action: 'give-up', reason, waitMs, why: `${context.attempts} attempts made (retryPolicy.maxAttempts ${policy.maxAttempts})` };
  if (waitMs > policy.maxSingleWaitMs) return { action: 'give-up', reason, waitMs, why: `the next wait of ${waitMs} ms exceeds retryPolicy.maxSingleWaitMs ${policy.maxSingleWaitMs}` };
  if (context.waitedMs + waitMs > policy.maxTotalWaitMs) {
    return { action: 'give-up', reason, waitMs, why: `waiting ${waitMs} ms more would pass retryPolicy.maxTotalWaitMs ${policy.maxTotalWaitMs} (${context.waitedMs} ms waited already)` };
  }
  return { action: 'retry', reason, waitMs };
}
