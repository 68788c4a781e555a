import type { RateBudgetOptions } from '../../connectors/index.js';

export const REDIS_URL_ENV = 'RESPONDIO_REDIS_URL';
/** The Redis budget's guard g in ms (default 25): raise it where send times spread more (a loaded machine, a jittery network). */
export const REDIS_GUARD_ENV = 'RESPONDIO_REDIS_GUARD_MS';

/** `--redis-url` (wins) or RESPONDIO_REDIS_URL: where several processes share one organization's rate budget. */
export function rateBudgetOf(flag: string | undefined, env: NodeJS.ProcessEnv): RateBudgetOptions {
  const redisUrl = flag ?? (env[REDIS_URL_ENV] || undefined);
  const guard = env[REDIS_GUARD_ENV] || undefined;
  const guardMs = guard === undefined ? undefined : Number(guard);
  return { redisUrl, ...(guardMs !== undefined && Number.isFinite(guardMs) && guardMs >= 0 ? { guardMs } : {}) };
}
