/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry
 * waits a uniformly random time in [0, min(maxMs, baseMs · 2^(n-1))). Full jitter spreads the retries of rows that
 * failed together (a 503 burst) instead of sending them back in lockstep. Pure: `random` is injected.
 */
export function calculateRetryDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * r);
}

/** Deterministic doubling for 449 ("still being created, retry in a while"): base, 2·base, 4·base… capped. */
export function calculateQueuedDelay(retry: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
}
