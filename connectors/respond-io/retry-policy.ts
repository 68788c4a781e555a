import type { ClientOptions } from '../../schemas/generated/row-types.js';
import { calculateQueuedDelay, calculateRetryDelay } from './calculate-retry-delay.js';
import { classifyAttempt, OUTCOME_TABLE, outcomeOf, type AttemptEnding } from './outcome-table.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * How long the attempt loop waits before a retry, and when it gives up (WHETHER it retries is outcome-table.ts'). Every
 * wait is capped: a call whose next wait would pass a cap ends as RC_RETRY_BUDGET_EXHAUSTED with the last status. The
 * fields and their ranges are declared in schemas/respond-io-client-options-1.0.0.json (retryPolicy).
 */
export type RetryPolicy = Required<NonNullable<ClientOptions['retryPolicy']>>;

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
