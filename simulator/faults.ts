import type { Clock } from '../runtime/clock.js';
import { hashUnit } from './prng.js';

/**
 * Fault injection. Which request meets which fault depends only on the seed, the method + URL and how many times that
 * method + URL was asked before ("attempt"): a retry of a failed GET draws again, and the same sequence of requests
 * meets the same faults whatever order concurrency delivers them in.
 */
export const faultKinds = ['500', '502', '503', '504', 'reset', 'slow', 'truncated', '429'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Kinds used when a spec gives a rate but no kinds: the transient failures a client must retry through. */
export const defaultFaultKinds: readonly FaultKind[] = ['500', '502', '503', '504', 'reset'];

export interface FaultOptions {
  /** Probability in [0, 1] that a request (past auth and rate limiting) meets a fault. */
  rate: number;
  /** The mix, drawn with equal weight; repeat a kind to weigh it more. */
  kinds?: readonly FaultKind[];
  /** How late a 'slow' answer comes (ms). Default 20000: past any sensible client timeout. */
  slowMs?: number;
  /** How long a '429' fault throttles its endpoint for everyone (ms). Default 1000. */
  burstMs?: number;
}

export interface ResolvedFaults {
  rate: number;
  kinds: readonly FaultKind[];
  slowMs: number;
  burstMs: number;
}

export const DEFAULT_SLOW_MS = 20_000;
export const DEFAULT_BURST_MS = 1000;

export class FaultInjector {
  readonly #seed: number;
  readonly #faults: ResolvedFaults;
  readonly #clock: Clock;
  readonly #attempts = new Map<string, number>();
  /** endpoint → clock time until which a '429' burst refuses it */
  readonly #burstUntil = new Map<string, number>();

  constructor(seed: number, faults: ResolvedFaults, clock: Clock) {
    this.#seed = seed;
    this.#faults = faults;
    this.#clock = clock;
  }

  get enabled(): boolean {
    return this.#faults.rate > 0 && this.#faults.kinds.length > 0;
  }

  get slowMs(): number {
    return this.#faults.slowMs;
  }

  /** The draw key of one request: 'GET /v2/contact/id:5 #2' for the second time that method + URL is asked. */
  requestKey(method: string, url: string): string {
    const base = `${method} ${url}`;
    const attempt = (this.#attempts.get(base) ?? 0) + 1;
    this.#attempts.set(base, attempt);
    return `${base} #${attempt}`;
  }

  /** The fault the request with this key meets, if any. */
  decide(key: string): FaultKind | undefined {
    if (!this.enabled) return undefined;
    if (hashUnit(this.#seed, key) >= this.#faults.rate) return undefined;
    const kinds = this.#faults.kinds;
    return kinds[Math.floor(hashUnit(this.#seed ^ 0x5bd1e995, key) * kinds.length)];
  }

  /** Starts a '429' burst on an endpoint; answers the Retry-After seconds to send. */
  startBurst(endpoint: string): number {
    this.#burstUntil.set(endpoint, this.#clock.now() + this.#faults.burstMs);
    return Math.max(1, Math.ceil(this.#faults.burstMs / 1000));
  }

  /** Retry-After seconds when the endpoint is inside a '429' burst, else undefined. */
  inBurst(endpoint: string): number | undefined {
    const until = this.#burstUntil.get(endpoint);
    if (until === undefined) return undefined;
    const left = until - this.#clock.now();
    if (left <= 0) {
      this.#burstUntil.delete(endpoint);
      return undefined;
    }
    return Math.max(1, Math.ceil(left / 1000));
  }
}

/** What a gateway or an overloaded server sends back for each error kind. */
export function faultResponse(kind: '500' | '502' | '503' | '504'): { status: number; contentType?: string; body: string } {
  switch (kind) {
    case '500':
      return { status: 500, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 500, message: 'Internal server error' }) };
    case '502':
      // Load balancers answer in HTML, not in respond.io's {code, message}.
      return {
        status: 502,
        contentType: 'text/html',
        body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
      };
    case '503':
      return {
        status: 503,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ code: 503, message: 'The server is overloaded or under maintenance. Please try again later.' }),
      };
    case '504':
      return { status: 504, body: '' }; // a gateway timeout with nothing at all in the body
  }
}

/** Added latency for one request, drawn from [min, max] by the same seed and key scheme as faults. */
export function latencyFor(seed: number, range: readonly [number, number], key: string): number {
  const [min, max] = range;
  return max <= min ? min : min + Math.floor(hashUnit(seed ^ 0x2545f491, key) * (max - min + 1));
}
