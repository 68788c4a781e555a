import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { parseErrorBehavior } from '../../runtime/error-behavior.js';
import type { RowSource, RunHandle } from '../../runtime/pipeline.js';
import type { Plugin } from '../../runtime/plugin.js';
import { connectionOf } from './connection.js';
import { upstreamGuard } from './upstream-allowlist.js';
import { HostMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import { RunStore } from './run-store.js';
import { RunTracker } from './run-tracker.js';
import type { BackgroundRuns } from './background-runs.js';
import { MemoryRuns } from './memory-runs.js';
import type { DurableMode } from './durable/durable-mode.js';

/** What every route shares: the plugin, the options, the metrics, the runs in flight and the background runs. */
export interface HostServices {
  plugin: Plugin;
  options: ResolvedOptions;
  metrics: HostMetrics;
  tracker: RunTracker;
  /** The in-memory store of background runs (used by `runs` in memory mode). */
  store: RunStore;
  /** Background runs (`/v1/runs`): in memory, or durable in Redis. */
  runs: BackgroundRuns;
  /** Durable mode's Redis, store and worker (undefined in memory mode). */
  durable: DurableMode | undefined;
  /** True from the moment close() is called: readiness fails and no new run starts. */
  closing: boolean;
  /** Starts a run of the library API with the request's Connection; throws a ConfigurationError before any row. */
  openRun(request: FastifyRequest, spec: RunSpec, logger?: FastifyBaseLogger): RunHandle;
  /** The request's Connection for a connector (headers over body, the default Base URL), checked against the allowed upstreams. */
  connectionFor(request: FastifyRequest, connector: string, connection: RunSpec['connection']): Record<string, unknown>;
}

export interface RunSpec {
  connector: string;
  connection?: Readonly<Record<string, unknown>> | undefined;
  settings?: Readonly<Record<string, unknown>> | undefined;
  rows: RowSource;
  concurrency?: number | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    host: HostServices;
  }
}

/**
 * Accepts the kebab-case spelling of Error behavior (`do-not-fail-and-return-response`) the library accepts, before
 * the route schema (which lists the seed spellings) sees it. An unknown value is left for the schema to reject.
 */
export function normalizeSettings(settings: unknown): void {
  if (settings === null || typeof settings !== 'object') return;
  const block = settings as Record<string, unknown>;
  const value = block['Error behavior'];
  if (typeof value !== 'string') return;
  try {
    block['Error behavior'] = parseErrorBehavior(value);
  } catch {
    // the route schema names the field and lists the allowed values
  }
}

/** Shared, non-encapsulated: decorated once on the root instance, seen by every route plugin. */
export const hostServices = fp(
  async (app: FastifyInstance, { plugin, options, durable }: { plugin: Plugin; options: ResolvedOptions; durable: DurableMode | undefined }) => {
    const described = plugin.listConnectors();
    const endpoints = new Map(described.map((c) => [c.id, c.api ? `${c.api.method} ${c.api.path}` : 'unknown']));
    // By id and by display name: a run may name its connector either way, and must meet the same checks.
    const connections = new Map(described.flatMap((c) => [[c.id, c.configuration.Connection] as const, [c.name, c.configuration.Connection] as const]));
    const metrics = new HostMetrics((connector) => endpoints.get(connector) ?? 'unknown');
    metrics.prime([...endpoints.keys()]);
    const checkUpstreams = upstreamGuard({ allowed: options.allowedUpstreams, allowLoopback: options.allowLoopbackUpstreams });
    const tracker = new RunTracker(metrics, options.clock);
    const store = new RunStore(options.clock, options.runs);
    const services: HostServices = {
      plugin,
      options,
      metrics,
      tracker,
      store,
      runs: undefined as unknown as BackgroundRuns, // set below: the runs need the services
      durable,
      closing: false,
      connectionFor(request, connector, given) {
        const described = connections.get(connector);
        const connection = connectionOf(request, given, options.baseUrl, described);
        checkUpstreams(connection, described);
        return connection;
      },
      openRun(request, spec, logger) {
        return plugin.run({
          connector: spec.connector,
          rows: spec.rows,
          connection: services.connectionFor(request, spec.connector, spec.connection),
          settings: spec.settings ?? {},
          ...((spec.concurrency ?? options.concurrency) !== undefined ? { concurrency: (spec.concurrency ?? options.concurrency) as number } : {}),
          logger: logger ?? request.log,
          connectorOptions: options.connectorOptions,
        });
      },
    };
    services.runs = durable ? durable.storeFor(services) : new MemoryRuns(store, tracker, (request, spec, logger) => services.openRun(request, spec, logger), app.log);
    app.decorate('host', services);
  },
  { name: 'respondio-connectors-host', fastify: '5.x' },
);

