import { randomUUID } from 'node:crypto';
import type { Clock } from '../../runtime/clock.js';
import { noUpstreamStats, type Row } from '../../runtime/connector.js';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { RunResult, RunStatus } from '../../runtime/run-result.js';

/** A background run as the store keeps it. It holds no Connection and no settings: the token is not stored. */
interface RunRecord {
  id: string;
  connector: string;
  status: 'running' | RunStatus;
  createdAt: string;
  finishedAt?: string;
  /** Clock time, for ETA and expiry. */
  startedMs: number;
  finishedMs?: number;
  /** Rows given in the request, when known (a JSON body). */
  total: number | null;
  rows: Row[];
  /** While running only. */
  handle?: RunHandle;
  /** Settles when the run has ended and the record holds its result. */
  finished?: Promise<void>;
  result?: RunResult;
  /** Input rows whose outcome was known when the run ended (kept when the handle is let go). */
  rowsDone?: number;
}

export interface RunProgressView {
  rowsTotal: number | null;
  /** Rows whose outcome is known (read and no longer pending). */
  rowsDone: number;
  rowsEmitted: number;
  errorRows: number;
  upstreamRequests: number;
  retries: number;
  rateLimited: number;
  rateLimitWaitSeconds: number;
  /** Seconds left at the pace so far; null until a row is done or when the total is unknown. */
  etaSeconds: number | null;
}

export interface RunView {
  id: string;
  connector: string;
  status: 'running' | RunStatus;
  createdAt: string;
  finishedAt?: string;
  progress: RunProgressView;
  result?: RunResult;
}

/**
 * Background runs, in this process's memory only: a restart forgets every run (running ones are cancelled by the
 * shutdown, finished ones and their rows are lost). Finished runs are kept `keepForMs` and at most `maxKept` of them.
 */
export class RunStore {
  private readonly records = new Map<string, RunRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { maxKept: number; keepForMs: number; maxInFlight: number },
  ) {}

  running(): number {
    let count = 0;
    for (const record of this.records.values()) if (record.status === 'running') count += 1;
    return count;
  }

  hasRoom(): boolean {
    return this.running() < this.limits.maxInFlight;
  }

  /**
   * Registers a run and starts pulling its rows; returns at once. `open` gets the run's id (for its logger) and
   * may throw (a ConfigurationError): then nothing is registered.
   */
  start(connector: string, total: number | null, open: (id: string) => RunHandle): RunView {
    this.prune();
    const id = randomUUID();
    const handle = open(id);
    const record: RunRecord = {
      id,
      connector,
      status: 'running',
      createdAt: new Date().toISOString(),
      startedMs: this.clock.now(),
      total,
      rows: [],
      handle,
    };
    this.records.set(record.id, record);
    record.finished = (async () => {
      for await (const row of handle) record.rows.push(row);
      const result = await handle.result;
      record.result = result;
      record.rowsDone = handle.progress().rowsDone;
      record.status = result.status;
      record.finishedAt = new Date().toISOString();
      record.finishedMs = this.clock.now();
      delete record.handle;
      this.prune();
    })();
    return this.view(record);
  }

  /** The live handle of a running run (for the tracker); throws for an unknown or finished one. */
  handleOf(id: string): RunHandle {
    const handle = this.records.get(id)?.handle;
    if (!handle) throw new Error(`run ${id} is not running`);
    return handle;
  }

  get(id: string): RunView | undefined {
    this.prune();
    const record = this.records.get(id);
    return record && this.view(record);
  }

  list(): RunView[] {
    this.prune();
    return [...this.records.values()].map((record) => this.view(record));
  }

  rows(id: string, offset: number, limit: number): { offset: number; rows: Row[]; available: number; done: boolean } | undefined {
    this.prune();
    const record = this.records.get(id);
    if (!record) return undefined;
    return { offset, rows: record.rows.slice(offset, offset + limit), available: record.rows.length, done: record.status !== 'running' };
  }

  /**
   * Cancels a running run and waits for it to end (calls in flight are aborted, so that is quick); it ends
   * `cancelled`. A finished run is left as it is.
   */
  async cancel(id: string, reason: string): Promise<RunView | undefined> {
    this.prune();
    const record = this.records.get(id);
    if (!record) return undefined;
    record.handle?.cancel(reason);
    await record.finished;
    return this.view(record);
  }

  private view(record: RunRecord): RunView {
    const upstream = record.result?.upstream ?? record.handle?.progress().upstream ?? noUpstreamStats();
    const live = record.handle?.progress();
    // Rows whose outcome is known (not rows read: a run that ended early read rows it never finished).
    const rowsDone = record.rowsDone ?? live?.rowsDone ?? 0;
    const rowsEmitted = record.result?.rowsEmitted ?? live?.rowsEmitted ?? 0;
    const errorRows = record.result?.errorRows ?? live?.errorRows ?? 0;
    let etaSeconds: number | null = null;
    if (record.status !== 'running') etaSeconds = 0;
    else if (record.total !== null && rowsDone > 0) {
      const elapsed = this.clock.now() - record.startedMs;
      etaSeconds = Math.max(0, Math.round(((elapsed / rowsDone) * (record.total - rowsDone)) / 100) / 10);
    }
    return {
      id: record.id,
      connector: record.connector,
      status: record.status,
      createdAt: record.createdAt,
      ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
      progress: {
        rowsTotal: record.total,
        rowsDone,
        rowsEmitted,
        errorRows,
        upstreamRequests: upstream.requests,
        retries: upstream.retries,
        rateLimited: upstream.rateLimited,
        rateLimitWaitSeconds: upstream.rateLimitWaitMs / 1000,
        etaSeconds,
      },
      ...(record.result ? { result: record.result } : {}),
    };
  }

  /** Forgets finished runs past their time, then the oldest finished ones past the count. Running runs stay. */
  private prune(): void {
    const now = this.clock.now();
    const finished: RunRecord[] = [];
    for (const record of this.records.values()) {
      if (record.finishedMs === undefined) continue;
      if (now - record.finishedMs >= this.limits.keepForMs) this.records.delete(record.id);
      else finished.push(record);
    }
    finished.sort((a, b) => (a.finishedMs ?? 0) - (b.finishedMs ?? 0));
    for (const record of finished.slice(0, Math.max(0, finished.length - this.limits.maxKept))) this.records.delete(record.id);
  }
}
