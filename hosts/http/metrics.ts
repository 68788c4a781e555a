import { Counter, Gauge, Registry } from 'prom-client';
import { copyStats, noUpstreamStats, type UpstreamStats } from '../../runtime/connector.js';
import type { RunProgress, RunResult } from '../../runtime/run-result.js';

export type RunMode = 'sync' | 'stream' | 'background';

/** What the metrics have already counted of one run, so live scrapes add only what is new. */
export interface Counted {
  rowsEmitted: number;
  errorRows: number;
  upstream: UpstreamStats;
}

export const nothingCounted = (): Counted => ({ rowsEmitted: 0, errorRows: 0, upstream: noUpstreamStats() });

/**
 * The host's Prometheus metrics, in a registry of its own (not prom-client's global one): two servers in one process
 * (tests) do not share counts. Figures come from the runtime's progress and result; the host measures nothing itself.
 */
export class HostMetrics {
  readonly registry = new Registry();
  private readonly rows = new Counter({
    name: 'respondio_connectors_rows_total',
    help: 'Input rows by connector and outcome: success (output row), error_row (error row emitted), dropped (read, no output row: Fail without response, stopped or cancelled)',
    labelNames: ['connector', 'outcome'],
    registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: 'respondio_connectors_runs_total',
    help: 'Finished runs by connector, mode (sync, stream, background) and status',
    labelNames: ['connector', 'mode', 'status'],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'respondio_connectors_upstream_requests_total',
    help: 'Requests made to respond.io, retries included, by connector, endpoint and the HTTP status they got ("none": no response; "unknown": the connector does not say)',
    labelNames: ['connector', 'endpoint', 'status'],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'respondio_connectors_upstream_retries_total',
    help: 'Retries made to respond.io by connector',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'respondio_connectors_upstream_rate_limited_total',
    help: '429 answers received from respond.io by connector',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly waited = new Counter({
    name: 'respondio_connectors_rate_limit_wait_seconds_total',
    help: 'Seconds rows spent waiting on a rate-limit slot or a Retry-After, by connector',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'respondio_connectors_runs_in_flight',
    help: 'Runs in flight by mode',
    labelNames: ['mode'],
    registers: [this.registry],
  });

  constructor(private readonly endpointOf: (connector: string) => string) {}

  /** Adds what a run did since `counted`, and returns the new totals to count from next time. */
  add(connector: string, counted: Counted, now: RunProgress | RunResult): Counted {
    const success = now.rowsEmitted - now.errorRows - (counted.rowsEmitted - counted.errorRows);
    const errors = now.errorRows - counted.errorRows;
    if (success > 0) this.rows.inc({ connector, outcome: 'success' }, success);
    if (errors > 0) this.rows.inc({ connector, outcome: 'error_row' }, errors);
    const up = now.upstream;
    const before = counted.upstream;
    this.countRequests(connector, before, up);
    if (up.retries > before.retries) this.retries.inc({ connector }, up.retries - before.retries);
    if (up.rateLimited > before.rateLimited) this.rateLimited.inc({ connector }, up.rateLimited - before.rateLimited);
    if (up.rateLimitWaitMs > before.rateLimitWaitMs) this.waited.inc({ connector }, (up.rateLimitWaitMs - before.rateLimitWaitMs) / 1000);
    return { rowsEmitted: now.rowsEmitted, errorRows: now.errorRows, upstream: copyStats(up) };
  }

  private countRequests(connector: string, before: UpstreamStats, now: UpstreamStats): void {
    const endpoint = this.endpointOf(connector);
    if (!now.byStatus) {
      if (now.requests > before.requests) this.requests.inc({ connector, endpoint, status: 'unknown' }, now.requests - before.requests);
      return;
    }
    for (const [status, count] of Object.entries(now.byStatus)) {
      const added = count - (before.byStatus?.[status] ?? 0);
      if (added > 0) this.requests.inc({ connector, endpoint, status }, added);
    }
  }

  /** The end of a run: the last figures, the rows that got no output row, and the run itself. */
  finish(connector: string, mode: RunMode, counted: Counted, result: RunResult): void {
    this.add(connector, counted, result);
    const dropped = result.rowsRead - result.rowsEmitted;
    if (dropped > 0) this.rows.inc({ connector, outcome: 'dropped' }, dropped);
    this.runs.inc({ connector, mode, status: result.status });
  }

  /** Touches every label set once, so a scrape shows zeros before the first run. */
  prime(connectors: string[]): void {
    for (const connector of connectors) {
      for (const outcome of ['success', 'error_row', 'dropped']) this.rows.inc({ connector, outcome }, 0);
      this.requests.inc({ connector, endpoint: this.endpointOf(connector), status: '200' }, 0);
      this.retries.inc({ connector }, 0);
      this.rateLimited.inc({ connector }, 0);
      this.waited.inc({ connector }, 0);
    }
    for (const mode of ['sync', 'stream', 'background']) this.inFlight.set({ mode }, 0);
  }
}
