/** One admitted send. */
export interface SendTicket {
  /** Its bytes were handed to the socket at `sentAt` (this process's clock): the budget counts the send from then. */
  noteSent(sentAt: number): void;
  /**
   * After the answer: this organization × endpoint's sends the store counted in the second up to this one's, itself
   * included (every process's, with Redis). X-RateLimit-Remaining below `limit − this` means someone else spends the
   * budget (learned-limits.ts). Undefined when not known (not sent yet).
   */
  windowCount?(): number | undefined;
}

/**
 * Requests per second. A function is read as late as the store can (in-process: whenever the caller is at the head
 * of the queue; Redis: at its reservation), so rows already waiting when X-RateLimit headers change the limit follow
 * the new one (learned-limits.ts).
 */
export type RateLimit = number | (() => number);

/** respond.io's window: limits are requests per second; X-RateLimit-Remaining counts in it. */
export const SERVER_WINDOW_MS = 1000;

/**
 * What the attempt loop needs to keep one organization × endpoint under respond.io's limit, whichever store holds
 * the state: this process only (in-process-budget.ts) or every process that shares one Redis (redis-budget.ts).
 *
 * One attempt: `acquire` (wait for a reserved slot) → build the request → `gate` (the last check, just before the
 * socket write) → send → the ticket's `noteSent` (bytes handed to the socket) → on a 429, `penalize` with its Retry-After.
 */
export interface EndpointBudget {
  /** Resolves when this caller's slot has come. `limit` is the endpoint's requests per second. Rejects with the signal's reason when aborted. */
  acquire(limit: RateLimit, signal?: AbortSignal): Promise<void>;
  /** Resolves when a send is admitted right now, and counts it. Call it just before the request leaves. */
  gate(limit: number, signal?: AbortSignal): Promise<SendTicket>;
  /** A 429's Retry-After: nobody (every process of the store) sends on this endpoint for `retryAfterMs`. Only extends. A 449 is not for this: it delays its own row only. */
  penalize(retryAfterMs: number): Promise<void>;
  /** Milliseconds left of the current 429 pause (0 when none). */
  pauseRemainingMs(): Promise<number>;
}

export interface RateBudget {
  /**
   * The budget of one endpoint of one organization. `organization` is an organization key: organizationKey(token,
   * baseUrl) (a hash, never the token) or an explicit Organization value. Cheap: look it up on every attempt.
   */
  endpoint(organization: string, endpointKey: string): EndpointBudget;
  /** Releases connections; calls that reach the store afterwards reject. */
  close(): Promise<void>;
}
