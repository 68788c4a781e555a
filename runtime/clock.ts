/** Time as the pacing and retry code sees it, so tests can drive it without sleeping. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: resolves as soon as possible once now() ≥ `at`, never before. The pacer uses it when present; a clock
   * without it (a test's fake clock) is waited on with sleep(at − now()).
   */
  sleepUntil?(at: number): Promise<void>;
}

/**
 * How early the timer of sleepUntil fires; the rest is waited out in event-loop turns. Node's timers run on a
 * millisecond loop clock: measured here, a 100 ms setTimeout ends between 0.7 ms early and 1.2 ms late of
 * performance.now(), so a pacer that slept and then re-slept for the sliver lost ~1 ms per send (1.5 % at 15/s).
 */
const TIMER_LEAD_MS = 2;

function sleepUntil(at: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = (): void => {
      const left = at - performance.now();
      if (left <= 0) resolve();
      else if (left > TIMER_LEAD_MS) setTimeout(check, left - TIMER_LEAD_MS);
      // setImmediate, not a tight loop: sockets and timers keep being served during the last ~2 ms.
      else setImmediate(check);
    };
    check();
  });
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  sleepUntil,
};
