import { ConfigurationError } from '../../runtime/errors.js';
import { calculateQueuedDelay, calculateRetryDelay } from './calculate-retry-delay.js';
import { classifyAttempt, OUTCOME_TABLE, outcomeOf, type AttemptEnding } from './outcome-table.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * How long the attempt loop waits before a retry, and when it gives up (WHETHER it retries is outcome-table.ts'). Every wait is capped:
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
  /** Statuses retried on idempotent endpoints only (a call that is not may have been processed). */
  transientStatusCodes: number[];
  /**
   * Network failures worth another attempt: on idempotent endpoints, or on any when the request provably never left
   * (outcome-table.ts NOT_SENT_ERROR_CODES). DNS ENOTFOUND is not one by default: it will not fix itself within a row.
   */
  transientErrorCodes: string[];
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
    } else {
      throw bad(`retryPolicy.${field} is not a retry policy field (known: ${[...Object.keys(integerFields), 'transientStatusCodes', 'transientErrorCodes'].join(', ')})`);
    }
  }
  return policy;
}

export type { AttemptEnding as AttemptOutcome } from './outcome-table.js';

export type RetryReason = 'rate-limited' | 'queued' | 'transient';

export type RetryDecision =
  | { action: 'stop' }
  | { action: 'token-rejected' }
  | { action: 'retry'; reason: RetryReason; waitMs: number }
  | { action: 'give-up'; reason: RetryReason; waitMs: number; why: string };

export interface RetryContext {
  /** The manifest entry's `idempotent`: whether a 5xx or a timeout may be repeated. */
  idempotent: boolean;
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
 * A failed attempt → what next: the outcome table says whether (retry, pause the endpoint, token rejected, row
 * error), this says how long to wait — 429 → Retry-After (or the default) · 449 → doubling · transient → full-jitter
 * backoff — and gives up when a cap would be passed.
 */
export function decideRetry(ending: AttemptEnding, context: RetryContext): RetryDecision {
  const { policy } = context;
  const attemptClass = classifyAttempt(ending, { statusCodes: policy.transientStatusCodes, errorCodes: policy.transientErrorCodes });
  const outcome = outcomeOf(attemptClass, context.idempotent);
  if (outcome === 'token-rejected') return { action: 'token-rejected' };
  if (outcome !== 'retry' && outcome !== 'pause-endpoint') return { action: 'stop' };
  let reason: RetryReason;
  let waitMs: number;
  if (outcome === 'pause-endpoint') {
    reason = 'rate-limited';
    waitMs = parseRetryAfter(ending.kind === 'status' ? ending.retryAfter : undefined, context.wallNowMs) ?? policy.defaultRetryAfterMs;
  } else if (OUTCOME_TABLE[attemptClass].wait === 'queued') {
    reason = 'queued';
    waitMs = calculateQueuedDelay(context.attempts, policy.queuedBaseMs, policy.queuedMaxMs);
  } else {
    reason = 'transient';
    waitMs = calculateRetryDelay(context.attempts, policy.backoffBaseMs, policy.backoffMaxMs, context.random);
  }
  if (context.attempts >= policy.maxAttempts) return { action: 'give-up', reason, waitMs, why: `${context.attempts} attempts made (retryPolicy.maxAttempts ${policy.maxAttempts})` };
  if (waitMs > policy.maxSingleWaitMs) return { action: 'give-up', reason, waitMs, why: `the next wait of ${waitMs} ms exceeds retryPolicy.maxSingleWaitMs ${policy.maxSingleWaitMs}` };
  if (context.waitedMs + waitMs > policy.maxTotalWaitMs) {
    return { action: 'give-up', reason, waitMs, why: `waiting ${waitMs} ms more would pass retryPolicy.maxTotalWaitMs ${policy.maxTotalWaitMs} (${context.waitedMs} ms waited already)` };
  }
  return { action: 'retry', reason, waitMs };
}
