import type { Clock } from '../runtime/clock.js';

export interface EndpointStats {
  requests: number;
  /** Answers by HTTP status; a dropped connection counts under "reset". */
  byStatus: Record<string, number>;
  /** 429s sent because the client went over the documented limit (not the injected '429' faults). */
  rateLimited: number;
  /** Injected faults by kind. */
  faults: Record<string, number>;
}

export interface RequestLogEntry {
  endpoint: string;
  /** HTTP status, or 0 when the connection was dropped without an answer. */
  status: number;
  /** Clock time (ms) the request arrived, so tests can check pacing against the injected clock. */
  at: number;
  /** The request's path and query as sent (e.g. '/v2/contact/id:1001'), so tests can count requests per identifier. */
  url?: string;
  /** The injected fault the request met, if any ('slow', 'truncated', '503'…): a logged 200 the client never saw whole. */
  fault?: string;
}

/** What the foreign consumer (option foreignConsumer) spent of an endpoint's budget. */
export interface ForeignStats {
  /** Takes the rate limiter accepted: slots our client did not get. */
  accepted: number;
  /** Takes it refused (the window was full). */
  refused: number;
}

/** What the simulator saw, for tests and benchmarks: counts per endpoint and a bounded log of recent requests. */
export class SimulatorStats {
  readonly endpoints: Record<string, EndpointStats> = {};
  /** The foreign consumer's takes per endpoint; not counted in `endpoints` or the totals (those are the client's). */
  readonly foreign: Record<string, ForeignStats> = {};
  readonly #log: RequestLogEntry[] = [];
  readonly #logLimit: number;
  readonly #clock: Clock;

  constructor(clock: Clock, logLimit: number) {
    this.#clock = clock;
    this.#logLimit = logLimit;
  }

  /** The newest requests, oldest first; at most `requestLog` entries (option). */
  get log(): readonly RequestLogEntry[] {
    return this.#log;
  }

  get totalRequests(): number {
    return Object.values(this.endpoints).reduce((sum, e) => sum + e.requests, 0);
  }

  /** Total 429s sent for going over the limit, all endpoints. */
  get totalRateLimited(): number {
    return Object.values(this.endpoints).reduce((sum, e) => sum + e.rateLimited, 0);
  }

  /** Called once per request when it ends; `arrivedAt` is the clock time it arrived. */
  record(endpoint: string, status: number | 'reset', arrivedAt: number = this.#clock.now(), detail: { url?: string; fault?: string } = {}): void {
    const entry = this.#endpoint(endpoint);
    entry.requests += 1;
    const key = String(status);
    entry.byStatus[key] = (entry.byStatus[key] ?? 0) + 1;
    if (this.#logLimit > 0) {
      this.#log.push({ endpoint, status: status === 'reset' ? 0 : status, at: arrivedAt, ...detail });
      if (this.#log.length > this.#logLimit) this.#log.splice(0, this.#log.length - this.#logLimit);
    }
  }

  recordRateLimited(endpoint: string): void {
    this.#endpoint(endpoint).rateLimited += 1;
  }

  recordForeign(endpoint: string, accepted: boolean): void {
    const entry = (this.foreign[endpoint] ??= { accepted: 0, refused: 0 });
    if (accepted) entry.accepted += 1;
    else entry.refused += 1;
  }

  recordFault(endpoint: string, kind: string): void {
    const faults = this.#endpoint(endpoint).faults;
    faults[kind] = (faults[kind] ?? 0) + 1;
  }

  reset(): void {
    for (const key of Object.keys(this.endpoints)) delete this.endpoints[key];
    for (const key of Object.keys(this.foreign)) delete this.foreign[key];
    this.#log.length = 0;
  }

  #endpoint(endpoint: string): EndpointStats {
    return (this.endpoints[endpoint] ??= { requests: 0, byStatus: {}, rateLimited: 0, faults: {} });
  }
}
