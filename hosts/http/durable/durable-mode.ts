import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Plugin } from '../../../runtime/plugin.js';
import type { ConnectionVault } from '../connection-vault.js';
import type { HostServices } from '../services.js';
import { registerDurableMetrics } from './durable-metrics.js';
import { DurableRuns } from './durable-runs.js';
import { openRedis } from './open-redis.js';
import { DurableWorker } from './run-worker.js';

/** `buildServer({ durable })`: background runs in Redis, run by BullMQ workers (this process's, and others'). */
export interface DurableOptions {
  /** The Redis of durable runs (`RESPONDIO_REDIS_URL`, the same one the shared rate budget uses). */
  redisUrl: string;
  /** Seals each run's Connection (RESPONDIO_CONNECTORS_ENCRYPTION_KEY). */
  vault: ConnectionVault;
  /** The in-process worker (default: one, concurrency 4), or false: this host only stores and answers. */
  worker?: false | { concurrency?: number; lockDurationMs?: number; stalledIntervalMs?: number };
  /** How long DELETE waits for the run to stop (default 10 s). */
  cancelWaitMs?: number;
}

/** The durable parts of one host: its Redis connection, the store the routes use, and its worker if any. */
export class DurableMode {
  runs: DurableRuns | undefined;
  worker: DurableWorker | undefined;

  private constructor(
    readonly redis: Redis,
    private readonly options: DurableOptions,
  ) {}

  /** Connects (or throws naming host:port). */
  static async open(options: DurableOptions): Promise<DurableMode> {
    return new DurableMode(await openRedis(options.redisUrl), options);
  }

  /** The store of the routes (hostServices calls it with the services it needs). */
  storeFor(services: HostServices): DurableRuns {
    this.runs = new DurableRuns(this.redis, {
      plugin: services.plugin,
      vault: this.options.vault,
      keepForMs: services.options.runs.keepForMs,
      concurrency: services.options.concurrency,
      connectionFor: (request, connector, connection) => services.connectionFor(request, connector, connection),
      ...(this.options.cancelWaitMs === undefined ? {} : { cancelWaitMs: this.options.cancelWaitMs }),
    });
    registerDurableMetrics(services.metrics.registry, this.runs);
    return this.runs;
  }

  async startWorker(plugin: Plugin, keepForMs: number, logger: FastifyBaseLogger, connectorOptions: Readonly<Record<string, unknown>>): Promise<void> {
    if (this.options.worker === false) return;
    const { concurrency, lockDurationMs, stalledIntervalMs } = this.options.worker ?? {};
    this.worker = await DurableWorker.start({
      redis: this.redis,
      plugin,
      vault: this.options.vault,
      keepForMs,
      logger,
      connectorOptions,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
      ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
    });
  }

  /** Whether Redis answers PING within `ms`. */
  async reachable(ms = 1_000): Promise<boolean> {
    if (this.redis.status !== 'ready') return false;
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());
    return Promise.race([this.redis.ping().then(() => true, () => false), timeout]);
  }

  /** Shutdown, first step: the worker hands its runs back to the queue (another worker continues them). */
  async handBack(): Promise<void> {
    await this.worker?.close();
  }

  async close(): Promise<void> {
    await this.handBack();
    await this.runs?.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
