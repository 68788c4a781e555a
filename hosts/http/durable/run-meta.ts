import { parseErrorBehavior } from '../../../runtime/error-behavior.js';
import type { ErrorCode } from '../../../runtime/error-codes.js';
import { noUpstreamStats, type UpstreamStats } from '../../../runtime/connector.js';
import type { RunResult, RunStatus } from '../../../runtime/run-result.js';
import type { RunView } from '../run-store.js';

/** A durable run's meta hash as read back (HGETALL): every value a string. */
export type RunMeta = Record<string, string>;

export type DurableStatus = 'running' | RunStatus;

/** What the worker needs to run (or resume) a run, from its meta hash. */
export interface RunPlan {
  connector: string;
  settings: Record<string, unknown>;
  concurrency: number | undefined;
  total: number;
  /** Input rows 1..committed have their output in the output list. */
  committed: number;
  rowsEmitted: number;
  errorRows: number;
  /** Requests etc. of the earlier legs. */
  upstream: UpstreamStats;
  cancelled: string | undefined;
  /** Wall-clock ms the first leg started (undefined before). */
  startedMs: number | undefined;
}

const int = (text: string | undefined): number => (text === undefined || text === '' ? 0 : Number(text));

export function planOf(meta: RunMeta): RunPlan {
  return {
    connector: meta.connector ?? '',
    settings: JSON.parse(meta.settings ?? '{}') as Record<string, unknown>,
    concurrency: meta.concurrency ? Number(meta.concurrency) : undefined,
    total: int(meta.total),
    committed: int(meta.committed),
    rowsEmitted: int(meta.rowsEmitted),
    errorRows: int(meta.errorRows),
    upstream: meta.upstream ? (JSON.parse(meta.upstream) as UpstreamStats) : noUpstreamStats(),
    cancelled: meta.cancel || undefined,
    startedMs: meta.startedMs ? Number(meta.startedMs) : undefined,
  };
}

/** The same view the in-memory store gives, from the meta hash; times are wall-clock ms (several hosts read it). */
export function viewOf(id: string, meta: RunMeta, nowMs: number): RunView {
  const status = (meta.status ?? 'running') as DurableStatus;
  const result = meta.result ? (JSON.parse(meta.result) as RunResult) : undefined;
  const upstream = result?.upstream ?? (meta.upstream ? (JSON.parse(meta.upstream) as UpstreamStats) : noUpstreamStats());
  const total = int(meta.total);
  const rowsDone = int(meta.committed);
  let etaSeconds: number | null = null;
  if (status !== 'running') etaSeconds = 0;
  else if (rowsDone > 0 && meta.startedMs) {
    const elapsed = nowMs - Number(meta.startedMs);
    etaSeconds = Math.max(0, Math.round(((elapsed / rowsDone) * (total - rowsDone)) / 100) / 10);
  }
  return {
    id,
    connector: meta.connector ?? '',
    status,
    createdAt: meta.createdAt ?? '',
    ...(meta.finishedAt ? { finishedAt: meta.finishedAt } : {}),
    progress: {
      rowsTotal: total,
      rowsDone,
      rowsEmitted: result?.rowsEmitted ?? int(meta.rowsEmitted),
      errorRows: result?.errorRows ?? int(meta.errorRows),
      upstreamRequests: upstream.requests,
      retries: upstream.retries,
      rateLimited: upstream.rateLimited,
      rateLimitWaitSeconds: upstream.rateLimitWaitMs / 1000,
      etaSeconds,
    },
    ...(result ? { result } : {}),
  };
}

/** Earlier legs' figures plus this leg's so far: what a run has asked of respond.io in all. */
export function addStats(a: UpstreamStats, b: UpstreamStats): UpstreamStats {
  const byStatus: Record<string, number> = { ...a.byStatus };
  for (const [status, count] of Object.entries(b.byStatus ?? {})) byStatus[status] = (byStatus[status] ?? 0) + count;
  return {
    requests: a.requests + b.requests,
    retries: a.retries + b.retries,
    rateLimited: a.rateLimited + b.rateLimited,
    rateLimitWaitMs: a.rateLimitWaitMs + b.rateLimitWaitMs,
    ...(a.rateLimitWaitRowMs !== undefined || b.rateLimitWaitRowMs !== undefined ? { rateLimitWaitRowMs: (a.rateLimitWaitRowMs ?? 0) + (b.rateLimitWaitRowMs ?? 0) } : {}),
    byStatus,
  };
}

/**
 * The result of a run ended without a leg of its own: cancelled before a worker took it, or failed before its first
 * row (its Connection cannot be opened). Its counts are those of the rows committed before.
 */
export function endedResult(plan: RunPlan, status: 'cancelled' | 'failed', code: ErrorCode, message: string, durationMs = 0): RunResult {
  return {
    connector: plan.connector,
    errorBehavior: parseErrorBehavior(plan.settings['Error behavior']),
    status,
    statusCode: 300,
    rowsRead: plan.committed,
    rowsEmitted: plan.rowsEmitted,
    errorRows: plan.errorRows,
    upstream: plan.upstream,
    durationMs,
    failure: { row: null, code, statusCode: null, message },
  };
}
