import type { IncomingHttpHeaders } from 'node:http';

/** What respond.io's rate-limit headers said on one answer (seed 003); undefined when absent or not believable. */
export interface RateLimitHeaders {
  /** X-RateLimit-Limit: requests per second allowed on this endpoint. */
  limit: number | undefined;
  /** X-RateLimit-Remaining: requests left in the current window. */
  remaining: number | undefined;
}

/**
 * Reads the two headers defensively: only one plain whole number each (a repeated header, a sign, a fraction, an
 * exponent or text is ignored, not guessed at); a limit must be at least 1. Range checks against the table are the
 * learner's (learned-limits.ts).
 */
export function readRateLimitHeaders(headers: IncomingHttpHeaders): RateLimitHeaders {
  const limit = wholeNumber(headers['x-ratelimit-limit']);
  return { limit: limit !== undefined && limit >= 1 ? limit : undefined, remaining: wholeNumber(headers['x-ratelimit-remaining']) };
}

function wholeNumber(value: string | string[] | undefined): number | undefined {
  // Seven digits at most: no believable limit is longer, and Number() of a longer one could lose precision.
  if (typeof value !== 'string' || !/^\s*\d{1,7}\s*$/.test(value)) return undefined;
  return Number(value);
}
