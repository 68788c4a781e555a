import { randomUUID } from 'node:crypto';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { journalGuard } from '../../../runtime/checkpoint/call-guard.js';
import { failsRun, parseErrorBehavior } from '../../../runtime/error-behavior.js';
import { acrossLegs } from '../../../batch/checkpoint/both-legs.js';
import type { Row } from '../../../runtime/connector.js';
import { silentLogger, type Logger } from '../../../runtime/logger.js';
import type { RunHandle } from '../../../runtime/pipeline.js';
import type { Plugin } from '../../../runtime/plugin.js';
import type { RunResult } from '../../../runtime/run-result.js';
import { VaultError, type ConnectionVault } from '../connection-vault.js';
import { finishRun } from './durable-runs.js';
import { CANCEL_CHANNEL, QUEUE_NAME, runKeys, type RunKeys } from './keys.js';
import { bullConnection, quiet } from './open-redis.js';
import { redisIntentLog, earlierCalls } from './redis-intent-log.js';
import { addStats, endedResult, planOf, type RunPlan } from './run-meta.js';
import { claimScript, commitScript, NOT_OWNER } from './scripts.js';

/**
 * BullMQ's lock on a job a worker runs: renewed every lockDuration / 2 while the worker lives. When a worker dies,
 * its lock runs out, and the next stalled check of any live worker puts the job back in the queue: a dead worker's
 * run resumes within about lockDuration + stalledInterval (30 s + 15 s by default).
 */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
export const DEFAULT_STALLED_INTERVAL_MS = 15_000;
/** How many times a run may be taken back from a dead worker before BullMQ gives the job up. */
const MAX_STALLED = 20;

export interface DurableWorkerOptions {
  redis: Redis;
  plugin: Plugin;
  vault: ConnectionVault;
  /** Finished runs expire this long after they end. */
  keepForMs: number;
  /** Runs this worker carries at once (default 4). */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  logger?: Logger;
  connectorOptions?: Readonly<Record<string, unknown>>;
}

interface Leg {
  handle: RunHandle;
  /** Set when this worker stops: the run is handed back to the queue, not ended. */
  handBack: boolean;
  /** Set once the leg is told to stop (cancel, hand back): rows that settle as errors from then on are not committed. */
  stopped: boolean;
}

/** Stops a leg at the next row boundary. */
function stop(leg: Leg, reason: string): void {
  leg.stopped = true;
  leg.handle.cancel(reason);
}

type Scripted = Redis & {
  commitRow(...args: (string | number)[]): Promise<number>;
  claimRun(...args: (string | number)[]): Promise<number>;
};

export const HAND_BACK_REASON = 'the worker is stopping: the run goes back to the queue';

/**
 * Runs durable runs (BullMQ jobs). Each job is a leg of its run: it claims the run, reads the input after the last
 * committed row, runs it, and commits each input row's output rows with the commit script (exactly once, in order).
 * A cancel (DELETE on any replica) arrives by pub/sub; close() hands the runs in flight back to the queue.
 */
export class DurableWorker {
  private readonly redis: Scripted;
  private readonly legs = new Map<string, Leg>();
  private readonly worker: Worker;
  private readonly bull: Redis;
  private readonly subscriber: Redis;
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: DurableWorkerOptions) {
    this.redis = options.redis as Scripted;
    this.redis.defineCommand('commitRow', { numberOfKeys: 4, lua: commitScript });
    this.redis.defineCommand('claimRun', { numberOfKeys: 1, lua: claimScript });
    this.logger = options.logger ?? silentLogger;
    this.subscriber = quiet(options.redis.duplicate());
    this.subscriber.on('message', (_channel: string, id: string) => void this.cancelled(id));
    this.bull = bullConnection(options.redis);
    this.worker = new Worker(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: this.bull,
      concurrency: options.concurrency ?? 4,
      lockDuration: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
      stalledInterval: options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED,
      autorun: false,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error.message }, 'durable worker: queue error'));
  }

  static async start(options: DurableWorkerOptions): Promise<DurableWorker> {
    const worker = new DurableWorker(options);
    await worker.subscriber.subscribe(CANCEL_CHANNEL);
    void worker.worker.run();
    await worker.worker.waitUntilReady();
    return worker;
  }

  get running(): number {
    return this.legs.size;
  }

  /**
   * Stops taking jobs; the runs in flight stop at a row boundary (what is committed stays) and go back to the
   * queue, where another worker takes them up at once. Resolves when they have.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const leg of this.legs.values()) {
        leg.handBack = true;
        stop(leg, HAND_BACK_REASON);
      }
      await this.worker.close();
      await this.subscriber.quit().catch(() => this.subscriber.disconnect());
      await this.bull.quit().catch(() => this.bull.disconnect());
    })();
    return this.closing;
  }

  private async cancelled(id: string): Promise<void> {
    const leg = this.legs.get(id);
    if (!leg) return;
    const reason = await this.redis.hget(runKeys(id).meta, 'cancel').catch(() => null);
    stop(leg, reason ?? 'cancelled');
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const id = job.id as string;
    const keys = runKeys(id);
    const meta = await this.redis.hgetall(keys.meta);
    if (meta.status !== 'running') return; // ended, or expired: nothing to do
    const plan = planOf(meta);
    const legId = randomUUID();
    if ((await this.redis.claimRun(keys.meta, legId, Date.now())) !== 1) return;
    plan.startedMs ??= Number(await this.redis.hget(keys.meta, 'startedMs'));
    const log = this.logger;
    const finish = (result: RunResult): Promise<boolean> => finishRun(this.redis, id, result, legId, this.options.keepForMs);
    if (plan.cancelled) {
      await finish(endedResult(plan, 'cancelled', 'RC_ABORTED', plan.cancelled));
      return;
    }
    if (meta.stop) {
      // An earlier leg committed the error row that fails the run (Fail and return response) and died before
      // finishing it: the run ends as it would have, with the result that leg recorded; no later row is asked.
      await finish(JSON.parse(meta.stop) as RunResult);
      log.info({ runId: id }, 'durable run ended: an earlier leg had committed the row that fails it');
      return;
    }
    let connection: Record<string, unknown>;
    try {
      connection = this.options.vault.open((await this.redis.get(keys.connection)) ?? '');
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      log.error({ runId: id, code: 'RC_CONNECTION_UNREADABLE' }, error.message);
      await finish(endedResult(plan, 'failed', 'RC_CONNECTION_UNREADABLE', error.message));
      return;
    }
    const leg = await this.runLeg(id, keys, plan, legId, connection);
    if (leg.outcome === 'lost') {
      log.warn({ runId: id }, 'durable worker: another worker took the run over; this leg stopped');
      return;
    }
    if (leg.outcome === 'handed back') {
      log.info({ runId: id, committed: leg.committed }, 'durable worker: run handed back to the queue');
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await finish(leg.result);
    log.info({ runId: id, status: leg.result.status }, 'durable run ended');
  }

  private async runLeg(
    id: string,
    keys: RunKeys,
    plan: RunPlan,
    legId: string,
    connection: Record<string, unknown>,
  ): Promise<{ outcome: 'ended'; result: RunResult } | { outcome: 'lost' } | { outcome: 'handed back'; committed: number }> {
    const { plugin } = this.options;
    const rows = (await this.redis.lrange(keys.input, plan.committed, -1)).map((row) => JSON.parse(row) as unknown);
    const idempotent = plugin.manifest.connectors.find((entry) => entry.id === plan.connector)?.idempotent !== false;
    const guard = idempotent ? undefined : journalGuard(redisIntentLog(this.redis, keys), await earlierCalls(this.redis, keys, plan.committed));
    const handle = plugin.run({
      connector: plan.connector,
      rows,
      connection,
      settings: plan.settings,
      ...(plan.concurrency === undefined ? {} : { concurrency: plan.concurrency }),
      firstRow: plan.committed + 1, // row numbers stay the whole run's
      logger: this.logger,
      connectorOptions: this.options.connectorOptions ?? {},
      ...(guard ? { callGuard: guard } : {}),
    });
    const leg: Leg = { handle, handBack: this.closing !== undefined, stopped: false };
    this.legs.set(id, leg);
    try {
      // A cancel published before this leg was registered: the flag is read again now.
      const cancel = await this.redis.hget(keys.meta, 'cancel');
      if (cancel) stop(leg, cancel);
      if (leg.handBack) stop(leg, HAND_BACK_REASON);
      let pending: Row[] = [];
      let committed = plan.committed;
      // Fail and return response: an error row ends the run. It is committed after the run's result is known,
      // together with that result (commit's stop), so a leg dying before the finish cannot let the run go on.
      let failing: { input: number; rows: Row[] } | undefined;
      const commit = (input: number, errorRows: number, rows: Row[], stop = ''): Promise<number> =>
        this.redis.commitRow(keys.meta, keys.output, keys.intents, keys.outcomes, legId, input, errorRows, JSON.stringify(addStats(plan.upstream, handle.progress().upstream)), stop, ...rows.map((row) => JSON.stringify(row)));
      for await (const event of handle.events()) {
        if (event.type === 'row') {
          pending.push(event.row);
          continue;
        }
        // Fail without response: the run fails at this row, which a resumed leg would run again: nothing committed.
        if (event.outcome === 'dropped') continue;
        // Once stopped, a row that ends in an error may be a call the stop aborted (RC_ABORTED): it is not the row's
        // answer. The leg ends at the row before it; a leg that continues the run asks that row again.
        if (leg.stopped && event.outcome === 'error-row') break;
        if (event.outcome === 'error-row' && failsRun(parseErrorBehavior(plan.settings['Error behavior']))) {
          failing = { input: event.input, rows: pending };
          pending = [];
          continue;
        }
        const answer = await commit(event.input, event.outcome === 'error-row' ? 1 : 0, pending);
        pending = [];
        if (answer === NOT_OWNER) {
          handle.cancel('another worker took the run over');
          await handle.result;
          return { outcome: 'lost' };
        }
        committed = event.input;
      }
      const result = await handle.result;
      if (leg.handBack && leg.stopped) return { outcome: 'handed back', committed };
      if (leg.stopped) return { outcome: 'ended', result: await this.cancelledAt(keys, plan, result) };
      const whole = this.acrossLegs(result, plan);
      if (failing !== undefined && (await commit(failing.input, 1, failing.rows, JSON.stringify(whole))) === NOT_OWNER) return { outcome: 'lost' };
      return { outcome: 'ended', result: whole };
    } finally {
      this.legs.delete(id);
    }
  }

  /** A cancelled run's result: its counts are those of the rows committed (aborted rows were not). */
  private async cancelledAt(keys: RunKeys, plan: RunPlan, result: RunResult): Promise<RunResult> {
    const now = planOf(await this.redis.hgetall(keys.meta));
    const reason = result.failure?.message ?? now.cancelled ?? 'cancelled';
    return { ...endedResult(now, 'cancelled', 'RC_ABORTED', reason), ...this.whole(result, plan) };
  }

  /** The run's requests over every leg, and its time: wall clock since its first leg started, queue time included. */
  private whole(result: RunResult, plan: RunPlan): Pick<RunResult, 'upstream' | 'durationMs'> {
    return { upstream: addStats(plan.upstream, result.upstream), durationMs: plan.startedMs === undefined ? result.durationMs : Math.max(result.durationMs, Date.now() - plan.startedMs) };
  }

  /** The whole run's result: the earlier legs' committed rows and requests added to this leg's. */
  private acrossLegs(result: RunResult, plan: RunPlan): RunResult {
    const whole = this.whole(result, plan);
    if (plan.committed === 0) return { ...result, ...whole };
    return { ...acrossLegs(result, { row: plan.committed, outputBytes: 0, outputRows: plan.rowsEmitted, errorRows: plan.errorRows }), ...whole };
  }
}
