import Fastify, { type FastifyInstance } from 'fastify';
import { loadPlugin } from '../../connectors/index.js';
import type { Plugin } from '../../runtime/plugin.js';
import { installAuth } from './auth.js';
import { DurableMode } from './durable/durable-mode.js';
import { installErrorHandlers } from './http-errors.js';
import { installOpenApi } from './openapi.js';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js';
import { connectorRunRoutes } from './routes/connector-run.js';
import { discoveryRoutes } from './routes/discovery.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { runsRoutes } from './routes/runs.js';
import { hostServices } from './services.js';
import { useRegistryValidator } from './validation.js';

/** Headers that carry secrets: never in a log line, whatever a serializer or a hook decides to print. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-respondio-token"]',
  'headers.authorization',
  'headers["x-respondio-token"]',
  'connection.Token',
  '*.connection.Token',
];

/**
 * Builds the HTTP host without listening (tests use `inject`; `serve` listens). Options are checked here: no API key
 * and no `allowOpenOnLoopback` is an error.
 */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const resolved = resolveOptions(options);
  const plugin = options.plugin ?? (await loadPlugin());
  // Durable mode connects first: an unreachable Redis fails the start (naming host:port), before anything listens.
  const durable = options.durable ? await DurableMode.open(options.durable) : undefined;
  try {
    return await assemble(options, resolved, plugin, durable);
  } catch (error) {
    // Nothing listens yet and the caller gets no app to close: the Redis connection (and a started worker) would
    // otherwise keep the process alive.
    await durable?.close().catch(() => durable.redis.disconnect());
    throw error;
  }
}

async function assemble(options: ServerOptions, resolved: ResolvedOptions, plugin: Plugin, durable: DurableMode | undefined): Promise<FastifyInstance> {
  const logger = options.logger === undefined ? { level: 'info' } : options.logger;
  const app = Fastify({
    logger: logger === false ? false : { ...(logger === true ? {} : logger), redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } },
    bodyLimit: resolved.bodyLimit,
    // Our own 503 (RC_SHUTTING_DOWN, the one error shape) for new runs; polls still work while runs drain.
    return503OnClosing: false,
    requestIdHeader: 'x-request-id',
    routerOptions: { ignoreTrailingSlash: true },
    connectionTimeout: resolved.timeouts.idleMs,
    keepAliveTimeout: resolved.timeouts.keepAliveMs,
    requestTimeout: resolved.timeouts.requestMs,
    http: { connectionsCheckingInterval: resolved.timeouts.checkEveryMs },
  });
  app.server.headersTimeout = resolved.timeouts.headersMs;
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  useRegistryValidator(app, plugin.registry);
  // Response schemas document the routes (GET /openapi.json); they never reshape an answer: fast-json-stringify
  // would drop a field the schema lacks, JSON.stringify sends what the route returns.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandlers(app);
  await app.register(hostServices, { plugin, options: resolved, durable });
  installAuth(app, resolved.apiKey);

  // Graceful shutdown: from close() on, readiness fails and no run starts; runs in flight get the grace period,
  // then are cancelled (they end `cancelled`); then the server stops. In durable mode the worker's runs are not
  // cancelled: they stop at a row boundary and go back to the queue, for another worker to continue at once.
  app.addHook('preClose', async () => {
    app.host.closing = true;
    await durable?.handBack();
    await app.host.tracker.drain(resolved.shutdownGraceMs);
  });
  if (durable) app.addHook('onClose', () => durable.close());

  await installOpenApi(app, plugin);
  await app.register(healthRoutes);
  await app.register(discoveryRoutes);
  await app.register(connectorRunRoutes);
  await app.register(runsRoutes);
  await app.register(metricsRoutes);
  await durable?.startWorker(plugin, resolved.runs.keepForMs, app.log, resolved.connectorOptions);
  return app;
}
