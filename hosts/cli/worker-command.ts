import type { Plugin } from '../../runtime/plugin.js';
import { loadPlugin } from '../../connectors/index.js';
import { redisAddress } from '../../connectors/respond-io/budget/redis-address.js';
import { ENCRYPTION_KEY_ENV, requireEncryptionKey } from '../http/connection-vault.js';
import { openRedis } from '../http/durable/open-redis.js';
import { DurableWorker } from '../http/durable/run-worker.js';
import { oneOf, parseFlags, type FlagSpecs } from './args.js';
import { workerFlags, workerTimings, WORKER_FLAGS_HELP } from './durable-options.js';
import { ExitCode, PROGRAM, UsageError, type CliIo } from './io.js';
import { rateBudgetOf, REDIS_URL_ENV } from './rate-budget-option.js';
import { logLevels, stderrLogger } from './stderr-logger.js';

const flags: FlagSpecs = {
  'redis-url': { type: 'string' },
  concurrency: { type: 'string' },
  'keep-seconds': { type: 'string' },
  'log-level': { type: 'string' },
  ...workerFlags,
};

export const workerHelp = `Usage: ${PROGRAM} worker [--redis-url URL] [--concurrency N] [--lock-seconds S] [--stalled-check-seconds S] [--keep-seconds S] [--log-level L]

Carries the durable runs that 'serve' hosts in Redis (POST /v1/runs with RESPONDIO_REDIS_URL set): takes them from
the queue, runs them from their last recorded row, records each output row once. Start as many as you like, on
as many machines: they share respond.io's rate limits through the same Redis. SIGTERM hands the runs it carries
back to the queue (another worker continues them at once).
  --redis-url URL     the Redis of the durable runs and of the shared rate budget (env ${REDIS_URL_ENV}); required
  --concurrency N     runs carried at once (default 4); each run has its own calls in flight
  --keep-seconds S    how long a run it finishes stays readable (default 3600, as serve's)
  --log-level L       debug, info, warn, error, silent (default info); lines on stderr
${WORKER_FLAGS_HELP}
Needs env ${ENCRYPTION_KEY_ENV} (at least 32 characters, the same as the hosts'): it opens each run's sealed Connection.
`;

function integer(value: unknown, flag: string, fallback: number, min: number, max: number): number {
  if (typeof value !== 'string') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, 'worker');
  return number;
}

/** `respondio-connectors worker`: runs durable runs until SIGTERM/SIGINT; exit 2 on a refusal (no Redis, no key). */
export async function runWorker(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFlags('worker', argv, flags, 0);
  if (parsed.values.help === true) {
    io.stdout.write(workerHelp);
    return ExitCode.ok;
  }
  const concurrency = integer(parsed.values.concurrency, 'concurrency', 4, 1, 256);
  const keepForMs = integer(parsed.values['keep-seconds'], 'keep-seconds', 3600, 0, 7 * 24 * 3600) * 1000;
  const level = oneOf('worker', 'log-level', typeof parsed.values['log-level'] === 'string' ? parsed.values['log-level'] : 'info', logLevels);
  const timings = workerTimings('worker', parsed);
  const budget = rateBudgetOf(typeof parsed.values['redis-url'] === 'string' ? parsed.values['redis-url'] : undefined, io.env);
  if (budget.redisUrl === undefined) throw new UsageError(`no Redis: set ${REDIS_URL_ENV} or pass --redis-url (the worker takes its runs from there)`, 'worker');
  const key = requireEncryptionKey(io.env);
  if (!key.ok) throw new UsageError(key.message, 'worker');
  const address = redisAddress(budget.redisUrl);

  let plugin: Plugin | undefined = io.plugin;
  let worker: DurableWorker | undefined;
  const redis = await openRedis(budget.redisUrl).catch((error: Error) => {
    throw new UsageError(error.message, 'worker');
  });
  try {
    // The shared rate budget: every worker on one organization paces through the same Redis.
    plugin ??= await loadPlugin({ rateBudget: budget });
    const logger = stderrLogger(level, (text) => io.stderr.write(text));
    worker = await DurableWorker.start({ redis, plugin, vault: key.vault, keepForMs, concurrency, logger, ...timings });
    io.stderr.write(`worker: carrying durable runs from Redis at ${address} (concurrency ${concurrency}, lock ${timings.lockDurationMs / 1000} s, stalled check ${timings.stalledIntervalMs / 1000} s)\n`);
    await new Promise<void>((resolve) => {
      if (io.signal?.aborted) resolve();
      io.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    io.stderr.write(`worker: stopping; runs in flight go back to the queue\n`);
    return ExitCode.ok;
  } finally {
    await worker?.close();
    if (plugin !== io.plugin) await plugin?.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}
