/**
 * How one attempt at a respond.io call ended, and what the attempt loop does about it: ONE table, as data, for the
 * API client and the Custom Channel webhook client alike (attempt-loop.ts reads it; tests walk every row).
 */

/** What the loop does after an attempt. */
export type Outcome =
  /** 2xx: the body is the answer. */
  | 'success'
  /** Wait (449's doubling or a full-jitter backoff), then try again. */
  | 'retry'
  /** 429: every row on this endpoint waits for the Retry-After, then this one tries again. */
  | 'pause-endpoint'
  /** The credential is wrong for every row: a configuration error, and no further request with it in the run. */
  | 'token-rejected'
  /** This row fails with the answer's status (or 500 when no answer came). */
  | 'row-error';

/** The kinds of attempt endings the table distinguishes. */
export type AttemptClass =
  | '2xx'
  | '401'
  | '429'
  | '449'
  /** retryPolicy.transientStatusCodes (502/503/504 by default): the server may have done the work. */
  | 'transient-status'
  /** Any other status (400, 403, 404, 500, other 4xx…). */
  | 'other-status'
  /** A transient network failure after which the request may have reached the server (timeout, reset, EPIPE). */
  | 'network-maybe-sent'
  /** A transient network failure before any byte left (connection refused, DNS temporarily failing). */
  | 'network-not-sent'
  /** Any other network failure (ENOTFOUND…): it will not fix itself within a row. */
  | 'network-other';

export interface OutcomeRule {
  /** For an idempotent endpoint (a GET; repeating it has the effect of one call). */
  idempotent: Outcome;
  /** For an endpoint the manifest marks `idempotent: false` (Custom Channel Send Event: a repeat may post twice). */
  notIdempotent: Outcome;
  /** How long a 'retry' waits. */
  wait?: 'queued' | 'backoff';
}

// Each rule's reason is the comment above it (the loop needs only the outcomes; a reason nobody reads is not data).
export const OUTCOME_TABLE: Readonly<Record<AttemptClass, OutcomeRule>> = Object.freeze({
  // Accepted.
  '2xx': { idempotent: 'success', notIdempotent: 'success' },
  // 403 is not here on purpose: it can mean "no permission on this one contact", which is one row's problem.
  // The token is wrong for every row.
  '401': { idempotent: 'token-rejected', notIdempotent: 'token-rejected' },
  // Refused, not processed: safe to repeat.
  '429': { idempotent: 'pause-endpoint', notIdempotent: 'pause-endpoint' },
  // Refused while the resource is being created: safe to repeat.
  '449': { idempotent: 'retry', notIdempotent: 'retry', wait: 'queued' },
  // May have been processed: repeat only what is idempotent.
  'transient-status': { idempotent: 'retry', notIdempotent: 'row-error', wait: 'backoff' },
  // Repeating would get the same answer.
  'other-status': { idempotent: 'row-error', notIdempotent: 'row-error' },
  // May have reached the server: repeat only what is idempotent.
  'network-maybe-sent': { idempotent: 'retry', notIdempotent: 'row-error', wait: 'backoff' },
  // Never reached the server: safe to repeat.
  'network-not-sent': { idempotent: 'retry', notIdempotent: 'retry', wait: 'backoff' },
  // Will not fix itself within a row.
  'network-other': { idempotent: 'row-error', notIdempotent: 'row-error' },
});

/**
 * Network error codes that prove the request never reached the server (no connection was made), so even a call that
 * is not idempotent may be sent again. Only those of retryPolicy.transientErrorCodes are retried at all.
 */
export const NOT_SENT_ERROR_CODES: readonly string[] = Object.freeze(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND']);

/** How one attempt ended, as far as retrying is concerned. */
export type AttemptEnding =
  | { kind: 'status'; status: number; retryAfter?: string | string[] | undefined }
  | { kind: 'network'; code: string };

/** The table's row for an attempt ending, under the policy's transient statuses and error codes. */
export function classifyAttempt(ending: AttemptEnding, transient: { statusCodes: readonly number[]; errorCodes: readonly string[] }): AttemptClass {
  if (ending.kind === 'network') {
    if (!transient.errorCodes.includes(ending.code)) return 'network-other';
    return NOT_SENT_ERROR_CODES.includes(ending.code) ? 'network-not-sent' : 'network-maybe-sent';
  }
  const { status } = ending;
  if (status >= 200 && status < 300) return '2xx';
  if (status === 401 || status === 429 || status === 449) return String(status) as '401' | '429' | '449';
  return transient.statusCodes.includes(status) ? 'transient-status' : 'other-status';
}

/** The outcome of an attempt on an endpoint that is (or is not) idempotent. */
export function outcomeOf(attemptClass: AttemptClass, idempotent: boolean): Outcome {
  const rule = OUTCOME_TABLE[attemptClass];
  return idempotent ? rule.idempotent : rule.notIdempotent;
}
