interface InFlight<T> {
  /** Aborts the shared request; only once every waiter has left. */
  controller: AbortController;
  promise: Promise<T>;
  waiters: number;
}

/**
 * Identical requests in flight at the same moment share one: a caller whose key is already in flight waits on that
 * request instead of sending its own. Only while it is in flight: the entry goes as soon as the answer is in, so a
 * later caller asks again (no cache, no staleness beyond "asked at the same moment").
 *
 * Each waiter gets the answer as is (give it something immutable: the client shares the raw text and parses it per
 * caller) or its own shallow copy of the error, so no caller can change what another one sees. A waiter's abort
 * makes only that waiter leave; the shared request is aborted when the last one leaves.
 */
export class RequestCoalescer<T> {
  readonly #inFlight = new Map<string, InFlight<T>>();

  /** Requests in flight now (for tests). */
  get size(): number {
    return this.#inFlight.size;
  }

  /**
   * `start(signal)` sends the request (once per key in flight) on a signal of its own. `aborted(signal)` is the error
   * a waiter whose own signal aborted rejects with.
   */
  run(key: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>, aborted: (signal: AbortSignal) => Error): Promise<T> {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    let entry = this.#inFlight.get(key);
    if (!entry) {
      const controller = new AbortController();
      const created: InFlight<T> = { controller, promise: start(controller.signal), waiters: 0 };
      // Gone as soon as it settles (before any waiter resumes): only in-flight requests are shared.
      const forget = (): void => {
        if (this.#inFlight.get(key) === created) this.#inFlight.delete(key);
      };
      created.promise.then(forget, forget);
      this.#inFlight.set(key, (entry = created));
    }
    return this.#wait(key, entry, signal, aborted);
  }

  #wait(key: string, entry: InFlight<T>, signal: AbortSignal | undefined, aborted: (signal: AbortSignal) => Error): Promise<T> {
    entry.waiters += 1;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => {
        if (done) return;
        done = true;
        reject(aborted(signal as AbortSignal));
        entry.waiters -= 1;
        if (entry.waiters > 0) return;
        // Nobody waits any more: a newcomer must not join a request being aborted.
        if (this.#inFlight.get(key) === entry) this.#inFlight.delete(key);
        entry.controller.abort(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
        (value) => {
          if (done) return;
          done = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          signal?.removeEventListener('abort', onAbort);
          reject(ownCopy(error));
        },
      );
    });
  }
}

/** A shallow copy of an error with the same prototype and own properties (cause included), so waiters do not share one object. */
export function ownCopy(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return Object.defineProperties(Object.create(Object.getPrototypeOf(error) as object) as Error, Object.getOwnPropertyDescriptors(error));
}
