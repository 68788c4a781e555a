import { setMaxListeners } from 'node:events';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { SimulatorData } from './data.js';
import { FaultInjector } from './faults.js';
import { startForeignConsumer } from './foreign-consumer.js';
import { resolveOptions, type SimulatorOptions, type StartOptions } from './options.js';
import { installPolicy } from './policy.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { sendError } from './reply.js';
import { acceptBodilessRequests } from './body-parsing.js';
import { contactWriteRoutes } from './routes/contact-writes.js';
import { contactRoutes } from './routes/contacts.js';
import { messageRoutes } from './routes/messages.js';
import type { RoutesOptions } from './routes/context.js';
import { userRoutes } from './routes/users.js';
import { SimulatorStats } from './stats.js';

export interface Simulator {
  /** Not listening: drive it with `app.inject()`. */
  app: FastifyInstance;
  token: string;
  data: SimulatorData;
  stats: SimulatorStats;
}

export interface RunningSimulator extends Simulator {
  /** 'http://127.0.0.1:PORT/v2' */
  baseUrl: string;
  close(): Promise<void>;
}

/** Builds the respond.io v2 look-alike (routes under /v2). Throws SimulatorOptionError on a bad option. */
export function buildSimulator(options: SimulatorOptions = {}): Simulator {
  const resolved = resolveOptions(options);
  const { clock, token } = resolved;
  const data = new SimulatorData(resolved);
  const stats = new SimulatorStats(clock, resolved.requestLog);
  const closing = new AbortController();
  // Every request held by latency or a 'slow' fault listens on it (and stops listening when done): more than 10 at
  // once is normal load, not a leak, so no MaxListenersExceededWarning.
  setMaxListeners(0, closing.signal);
  // forceCloseConnections: a 'slow' request or a keep-alive client must not hold close() open.
  const app = Fastify({ logger: resolved.logger, forceCloseConnections: true });
  app.addHook('preClose', async () => closing.abort(new Error('simulator closing')));
  // One limiter for our client and the foreign consumer: they spend the same organization budget.
  const limiter = new SlidingWindowLimiter(clock);
  if (resolved.foreignConsumer.size > 0) {
    app.addHook('onReady', async () => startForeignConsumer({ token, rates: resolved.foreignConsumer, limiter, clock, stats, closing: closing.signal }));
  }

  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `Route not found: ${request.method} ${request.url.split('?')[0]}`));

  app.register(
    async (v2) => {
      acceptBodilessRequests(v2);
      installPolicy(v2, {
        token,
        seed: resolved.seed,
        limits: resolved.limits,
        limiter,
        injector: new FaultInjector(resolved.seed, resolved.faults, clock),
        latencyMs: resolved.latencyMs,
        clock,
        stats,
        closing: closing.signal,
      });
      v2.setErrorHandler((error: FastifyError, _request, reply) => {
        const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
        // fastify's own errors (bad JSON, wrong content type) are client errors worth showing; anything else is a bug here.
        return sendError(reply, status, status < 500 ? error.message : 'Internal server error');
      });
      v2.setNotFoundHandler((request, reply) => sendError(reply, 404, `Route not found: ${request.method} ${request.url.split('?')[0]}`));
      const routes: RoutesOptions = { data, clock, creatingMs: resolved.creatingMs, createdThroughApi: new Map() };
      await v2.register(contactRoutes, routes);
      await v2.register(messageRoutes, routes);
      await v2.register(contactWriteRoutes, routes);
      await v2.register(userRoutes, routes);
    },
    { prefix: '/v2' },
  );

  for (const extra of resolved.plugins) {
    const { plugin, prefix } = typeof extra === 'function' ? { plugin: extra, prefix: undefined } : extra;
    const pluginOptions = { data, stats, token, clock };
    app.register(plugin, prefix === undefined ? pluginOptions : { ...pluginOptions, prefix });
  }

  return { app, token, data, stats };
}

/** Builds and listens (127.0.0.1, a free port unless `port` is given). */
export async function startSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const simulator = buildSimulator(rest);
  await simulator.app.listen({ port, host });
  const address = simulator.app.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    ...simulator,
    baseUrl: `http://${shownHost}:${actualPort}/v2`,
    close: () => simulator.app.close(),
  };
}
