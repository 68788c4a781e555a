import type { FastifyInstance } from 'fastify';
import { parseFlags, type FlagSpecs, type ParsedArgs } from './args.js';
import { UsageError } from './io.js';
import type { Plugin } from '../../runtime/plugin.js';
import { loadPlugin } from '../../connectors/index.js';
import { buildServer } from '../http/build-server.js';
import { rateBudgetOf, REDIS_URL_ENV } from './rate-budget-option.js';
import { API_KEY_ENV, BASE_URL_ENV } from '../http/options.js';
import { isLoopbackHost } from '../../connectors/respond-io/url-policy.js';
import { ENCRYPTION_KEY_ENV, requireEncryptionKey } from '../http/connection-vault.js';
import type { DurableOptions } from '../http/durable/durable-mode.js';
import { redisAddress } from '../../connectors/respond-io/budget/redis-address.js';
import { workerFlags, workerTimings, WORKER_FLAGS_HELP, type WorkerTimings } from './durable-options.js';

/** What `serve` talks to: streams for logs and messages, the environment, and where SIGTERM comes from. */
export interface ServeIo {
  env?: NodeJS.ProcessEnv;
  /** JSON log lines (pino). */
  stdout: { write(text: string): unknown };
  /** Human messages: where it listens, why it refuses to start. */
  stderr: { write(text: string): unknown };
  /** Source of SIGTERM / SIGINT (default: process). */
  signals?: { once(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown; off?(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown };
  /** Called once listening, with the base URL (tests). */
  onListening?: (url: string, app: FastifyInstance) => void;
  /** Plugin to serve (tests); default: loadPlugin(). */
  plugin?: Plugin;
}

const serveFlags: FlagSpecs = {
  port: { type: 'string' },
  host: { type: 'string' },
  open: { type: 'boolean' },
  'base-url': { type: 'string' },
  'allow-upstream': { type: 'string', multiple: true },
  'redis-url': { type: 'string' },
  'log-level': { type: 'string' },
  'grace-seconds': { type: 'string' },
  'no-worker': { type: 'boolean' },
  'worker-concurrency': { type: 'string' },
  ...workerFlags,
};

export const SERVE_USAGE = `Usage: respondio-connectors serve [--port N] [--host H] [--open] [--base-url URL] [--allow-upstream URL]… [--redis-url URL [--no-worker] [--worker-concurrency N] [--lock-seconds S] [--stalled-check-seconds S]] [--log-level L] [--grace-seconds S]

Runs the HTTP host for workflow engines (see hosts/http/README.md).
  --port N            port to listen on (default 8080, or env PORT)
  --host H            address to bind (default 127.0.0.1)
  --open              run without an API key; only with a loopback --host (127.0.0.1, ::1, localhost)
  --base-url URL      respond.io base URL for runs whose Connection has none (env ${BASE_URL_ENV}), e.g. the simulator
  --allow-upstream URL  a Base URL or Webhook URL runs may name besides respond.io's and --base-url (repeatable);
                      any other is refused (400), so callers cannot point the host at internal addresses.
                      With a loopback --host, loopback URLs (the simulator) are allowed too
  --redis-url URL     durable mode (env ${REDIS_URL_ENV}): background runs (/v1/runs) live in this Redis and are
                      carried by BullMQ workers, so they survive a restart and any replica answers for them; and
                      respond.io's rate limits are shared with every process pointed at it. Needs env
                      ${ENCRYPTION_KEY_ENV} (≥ 32 characters): each run's Connection is stored sealed with it.
                      Unset: background runs live in this process's memory, the rate budget is this process's
  --no-worker         durable mode: carry no runs here (only store and answer); 'worker' processes carry them
  --worker-concurrency N  durable mode: runs the in-process worker carries at once (default 4)
${WORKER_FLAGS_HELP}
  --log-level L       pino level: fatal, error, warn, info, debug, trace (default info)
  --grace-seconds S   on SIGTERM, how long runs in flight may go on before they are cancelled (default 30); in
                      durable mode the worker's runs are not cancelled: they go back to the queue
The API key is read from env ${API_KEY_ENV}; clients send it as "Authorization: Bearer <key>".
`;


/**
 * `respondio-connectors serve`: resolves with the exit code once the server has stopped (SIGTERM/SIGINT: stop taking
 * runs, let runs in flight finish up to the grace period, cancel the rest, close). 2 for a usage or refusal error.
 */
export async function runServe(argv: readonly string[], io: ServeIo): Promise<number> {
  const env = io.env ?? process.env;
  let parsed: ParsedArgs;
  try {
    parsed = parseFlags('serve', argv, serveFlags, 0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`serve: ${error.message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  const text = (name: string): string | undefined => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  const list = parsed.values['allow-upstream'];
  const values = {
    help: parsed.values.help === true,
    open: parsed.values.open === true,
    port: text('port'),
    host: text('host') ?? '127.0.0.1',
    'base-url': text('base-url'),
    'allow-upstream': Array.isArray(list) ? list : undefined,
    'redis-url': text('redis-url'),
    'log-level': text('log-level') ?? 'info',
    'grace-seconds': text('grace-seconds') ?? '30',
    'no-worker': parsed.values['no-worker'] === true,
    'worker-concurrency': text('worker-concurrency'),
  };
  if (values.help) {
    io.stderr.write(SERVE_USAGE);
    return 0;
  }
  const port = Number(values.port ?? env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`serve: --port must be an integer from 0 to 65535, got ${JSON.stringify(values.port ?? env.PORT)}\n`);
    return 2;
  }
  const grace = Number(values['grace-seconds']);
  if (!Number.isFinite(grace) || grace < 0) {
    io.stderr.write(`serve: --grace-seconds must be a number ≥ 0, got ${JSON.stringify(values['grace-seconds'])}\n`);
    return 2;
  }
  const host = values.host;
  const apiKey = env[API_KEY_ENV] || undefined;
  if (apiKey === undefined) {
    if (!values.open) {
      io.stderr.write(`serve: refusing to start without an API key: set ${API_KEY_ENV} (at least 16 characters), or pass --open with a loopback --host\n`);
      return 2;
    }
    if (!isLoopbackHost(host)) {
      io.stderr.write(`serve: --open is only allowed on a loopback host (127.0.0.1, ::1, localhost), not ${JSON.stringify(host)}; set ${API_KEY_ENV} instead\n`);
      return 2;
    }
  }

  const budget = rateBudgetOf(values['redis-url'], env);
  let durable: DurableOptions | undefined;
  if (budget.redisUrl !== undefined) {
    // Durable mode stores each run's Connection (the token) sealed: no key, no start. The key is never printed.
    const key = requireEncryptionKey(env);
    if (!key.ok) {
      io.stderr.write(`serve: refusing to start in durable mode (--redis-url / ${REDIS_URL_ENV} is set): ${key.message}\n`);
      return 2;
    }
    let timings: WorkerTimings;
    const concurrency = Number(values['worker-concurrency'] ?? 4);
    try {
      timings = workerTimings('serve', parsed);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--worker-concurrency must be an integer from 1 to 256, got ${JSON.stringify(values['worker-concurrency'])}`);
    } catch (error) {
      io.stderr.write(`serve: ${(error as Error).message}\n`);
      return 2;
    }
    durable = { redisUrl: budget.redisUrl, vault: key.vault, worker: values['no-worker'] ? false : { concurrency, ...timings } };
  }

  let plugin: Plugin | undefined = io.plugin;
  let app: FastifyInstance;
  try {
    // One rate budget for the host's life (a Redis connection when --redis-url / RESPONDIO_REDIS_URL is set).
    plugin ??= await loadPlugin({ rateBudget: budget });
    app = await buildServer({
      plugin,
      apiKey,
      allowOpenOnLoopback: apiKey === undefined,
      baseUrl: values['base-url'] ?? (env[BASE_URL_ENV] || undefined),
      allowedUpstreams: values['allow-upstream'] ?? [],
      allowLoopbackUpstreams: isLoopbackHost(host),
      shutdownGraceMs: Math.round(grace * 1000),
      logger: { level: values['log-level'], stream: io.stdout },
      ...(durable ? { durable } : {}),
    });
  } catch (error) {
    if (plugin !== io.plugin) await plugin?.close();
    io.stderr.write(`serve: ${(error as Error).message}\n`);
    return 2;
  }
  if (plugin !== io.plugin) app.addHook('onClose', () => plugin.close());

  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      io.stderr.write(
        durable
          ? `serve: stopping (background runs this host carries go back to the queue; requests in flight get ${grace} s, then are cancelled)\n`
          : `serve: stopping (runs in flight get ${grace} s, then are cancelled)\n`,
      );
      app.close().then(
        () => resolve(0),
        (error: unknown) => {
          io.stderr.write(`serve: error while stopping: ${(error as Error).message}\n`);
          resolve(1);
        },
      );
    };
    const signals = io.signals ?? process;
    signals.once('SIGTERM', stop);
    signals.once('SIGINT', stop);
    app.addHook('onClose', async () => {
      signals.off?.('SIGTERM', stop);
      signals.off?.('SIGINT', stop);
    });
  });

  try {
    await app.listen({ port, host });
  } catch (error) {
    io.stderr.write(`serve: cannot listen on ${host}:${port}: ${(error as Error).message}\n`);
    await app.close();
    return 1;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  const mode = durable ? `durable runs in Redis at ${redisAddress(durable.redisUrl)}${durable.worker === false ? ', no worker' : ''}` : 'runs in memory';
  io.stderr.write(`serve: listening on ${url} (${apiKey === undefined ? 'OPEN, loopback only' : 'Bearer API key required'}) · ${mode}\n`);
  io.onListening?.(url, app);
  return stopped;
}
