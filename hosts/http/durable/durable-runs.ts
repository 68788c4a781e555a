import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Row } from '../../../runtime/connector.js';
import type { Plugin } from '../../../runtime/plugin.js';
import type { BackgroundRuns, RowsPage, StartRunSpec } from '../background-runs.js';
import type { ConnectionVault } from '../connection-vault.js';
import type { RunView } from '../run-store.js';
import { allKeys, CANCEL_CHANNEL, QUEUE_NAME, RUN_INDEX_KEY, runKeys } from './keys.js';
import { bullConnection } from './open-redis.js';
import { endedResult, planOf, viewOf, type RunMeta } from './run-meta.js';
import { finishScript } from './scripts.js';

export interface DurableRunsOptions {
  plugin: Plugin;
  vault: ConnectionVault;
  /** Finished runs expire this long after they end (Redis PEXPIRE on every key of theirs). */
  keepForMs: number;
  /** Calls in flight per run when the request does not say. */
  concurrency: number | undefined;
  /** The request's Connection, completed and checked against the allowed upstreams (400 otherwise). */
  connectionFor(request: FastifyRequest, connector: string, connection: StartRunSpec['connection']): Record<string, unknown>;
  /** How long DELETE waits for the worker running the run to stop it (default 10 s); then it answers the run as it is. */
  cancelWaitMs?: number;
}

const INPUT_CHUNK = 1_000;
const CANCEL_POLL_MS = 50;

/**
 * Background runs in Redis: the run (meta hash), its input rows, its output rows and its Connection (sealed), and a
 * BullMQ job that a worker (`respondio-connectors worker`, or the one inside `serve`) picks up. Every replica
 * pointed at the same Redis answers for every run. The token is stored only sealed, and deleted when the run ends.
 */
export class DurableRuns implements BackgroundRuns {
  readonly mode = 'durable';
  readonly queue: Queue;
  private readonly bull: Redis;

  constructor(
    readonly redis: Redis,
    private readonly options: DurableRunsOptions,
  ) {
    this.bull = bullConnection(redis);
    this.queue = new Queue(QUEUE_NAME, { connection: this.bull });
    // Without a listener BullMQ console.errors each failed reconnection, raw, beside the host's JSON logs. An outage
    // is seen where it matters: a route's command fails, /readyz answers 503.
    this.queue.on('error', () => undefined);
    this.redis.defineCommand('finishRun', { numberOfKeys: 6, lua: finishScript });
  }

  /** Runs wait in the queue for a worker: there is no in-flight cap to refuse at (workers' --concurrency bounds them). */
  async hasRoom(): Promise<boolean> {
    return true;
  }

  async start(request: FastifyRequest, spec: StartRunSpec): Promise<RunView> {
    const { plugin, vault } = this.options;
    const connection = this.options.connectionFor(request, spec.connector, spec.connection);
    const concurrency = spec.concurrency ?? this.options.concurrency;
    // The same configuration errors as in memory mode (400, before anything is stored): a run that cannot start
    // must not wait in the queue to fail. The check run is cancelled before it reads a row.
    const check = plugin.run({ connector: spec.connector, rows: [], connection, settings: spec.settings ?? {}, ...(concurrency === undefined ? {} : { concurrency }) });
    check.cancel('configuration check only');
    await check.collect();

    const id = randomUUID();
    const keys = runKeys(id);
    const now = Date.now();
    const meta: RunMeta = {
      connector: spec.connector,
      settings: JSON.stringify(spec.settings ?? {}),
      concurrency: concurrency === undefined ? '' : String(concurrency),
      status: 'running',
      createdAt: new Date(now).toISOString(),
      createdMs: String(now),
      total: String(spec.rows.length),
      committed: '0',
      rowsEmitted: '0',
      errorRows: '0',
    };
    const write = this.redis.multi().hset(keys.meta, meta).set(keys.connection, vault.seal(connection)).zadd(RUN_INDEX_KEY, now, id);
    for (let at = 0; at < spec.rows.length; at += INPUT_CHUNK) write.rpush(keys.input, ...spec.rows.slice(at, at + INPUT_CHUNK).map((row) => JSON.stringify(row)));
    await write.exec();
    try {
      await this.queue.add('run', {}, {
        jobId: id,
        removeOnComplete: true,
        removeOnFail: true,
        // A leg that fails on an error of its own (Redis gone for a moment) is tried again: it resumes after the last commit.
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
      });
    } catch (error) {
      await this.redis.del(...allKeys(keys)).catch(() => undefined);
      await this.redis.zrem(RUN_INDEX_KEY, id).catch(() => undefined);
      throw error;
    }
    return viewOf(id, meta, now);
  }

  async get(id: string): Promise<RunView | undefined> {
    const meta = await this.redis.hgetall(runKeys(id).meta);
    return meta.status === undefined ? undefined : viewOf(id, meta, Date.now());
  }

  /** Every run still kept, oldest first; ids whose keys have expired are dropped from the index here. */
  async list(): Promise<RunView[]> {
    const ids = await this.redis.zrange(RUN_INDEX_KEY, '0', '-1');
    if (ids.length === 0) return [];
    const read = this.redis.pipeline();
    for (const id of ids) read.hgetall(runKeys(id).meta);
    const metas = ((await read.exec()) ?? []).map(([, meta]) => (meta ?? {}) as RunMeta);
    const gone = ids.filter((_, i) => metas[i]?.status === undefined);
    if (gone.length > 0) await this.redis.zrem(RUN_INDEX_KEY, ...gone);
    const now = Date.now();
    return ids.flatMap((id, i) => (metas[i]?.status === undefined ? [] : [viewOf(id, metas[i] as RunMeta, now)]));
  }

  /** How many runs are kept, by status (one HGET per run: the index holds the runs of the last keepForMs). */
  async countByStatus(): Promise<Map<string, number>> {
    const ids = await this.redis.zrange(RUN_INDEX_KEY, '0', '-1');
    const read = this.redis.pipeline();
    for (const id of ids) read.hget(runKeys(id).meta, 'status');
    const counts = new Map<string, number>();
    for (const [, status] of (await read.exec()) ?? []) if (typeof status === 'string') counts.set(status, (counts.get(status) ?? 0) + 1);
    return counts;
  }

  async rows(id: string, offset: number, limit: number): Promise<RowsPage | undefined> {
    const keys = runKeys(id);
    // One MULTI: the status and the rows are read at the same moment, so `done` never hides a row appended after.
    const answers = (await this.redis.multi().hget(keys.meta, 'status').lrange(keys.output, offset, offset + limit - 1).llen(keys.output).exec()) ?? [];
    const [[, status], [, rows], [, available]] = answers as [[unknown, string | null], [unknown, string[]], [unknown, number]];
    if (status === null) return undefined;
    return { offset, rows: rows.map((row) => JSON.parse(row) as Row), available, done: status !== 'running' };
  }

  /**
   * Sets the run's cancel flag and publishes its id: the worker running it stops at a row boundary and ends it
   * `cancelled`. A run no worker holds (still queued, or its worker died) is taken out of the queue and ended here.
   * Answers once the run has ended, or after cancelWaitMs with the run as it is.
   */
  async cancel(id: string, reason: string): Promise<RunView | undefined> {
    const keys = runKeys(id);
    const meta = await this.redis.hgetall(keys.meta);
    if (meta.status === undefined) return undefined;
    if (meta.status !== 'running') return viewOf(id, meta, Date.now());
    await this.redis.hset(keys.meta, 'cancel', reason);
    await this.redis.publish(CANCEL_CHANNEL, id);
    // remove() refuses a job whose lock a live worker holds (it gets the message instead) and answers 0 when gone.
    const removed = await this.queue.remove(id).catch(() => 0);
    if (removed === 1) await this.finish(id, endedResult(planOf(meta), 'cancelled', 'RC_ABORTED', reason), '');
    const deadline = Date.now() + (this.options.cancelWaitMs ?? 10_000);
    for (;;) {
      const now = await this.redis.hgetall(keys.meta);
      if (now.status === undefined) return undefined;
      if (now.status !== 'running' || Date.now() >= deadline) return viewOf(id, now, Date.now());
      await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
    }
  }

  /** Ends a run (status, result, Connection deleted, keys expire after keepForMs); only `leg` may, unless ''. */
  async finish(id: string, result: { status: string }, leg: string): Promise<boolean> {
    return finishRun(this.redis, id, result, leg, this.options.keepForMs);
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.bull.quit().catch(() => this.bull.disconnect());
  }
}

type WithFinish = Redis & { finishRun(...args: (string | number)[]): Promise<number> };

/** The finish script, shared by the store (a cancel of a queued run) and the worker. */
export async function finishRun(redis: Redis, id: string, result: { status: string }, leg: string, keepForMs: number): Promise<boolean> {
  if (!('finishRun' in redis)) redis.defineCommand('finishRun', { numberOfKeys: 6, lua: finishScript });
  const now = Date.now();
  const done = await (redis as WithFinish).finishRun(...allKeys(runKeys(id)), result.status, JSON.stringify(result), new Date(now).toISOString(), String(now), String(keepForMs), leg);
  return done === 1;
}
