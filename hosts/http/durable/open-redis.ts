import { Redis } from 'ioredis';
import { redisAddress } from '../../../connectors/respond-io/budget/redis-address.js';

/**
 * Connects to the Redis of durable runs, or throws naming host:port (never the URL: it may carry a password).
 * Commands fail after one retry instead of queueing forever, so a route answers 500 and /readyz 503 while Redis is
 * gone, rather than hanging.
 */
export async function openRedis(url: string, connectTimeoutMs = 3_000): Promise<Redis> {
  const address = redisAddress(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  });
  let lastError: unknown;
  // ioredis emits 'error' on every failed (re)connection; without a listener Node would crash the process.
  redis.on('error', (error: unknown) => (lastError = error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const cause = lastError ?? error;
    const code = (cause as { code?: unknown }).code;
    throw new Error(`cannot reach the Redis of durable runs at ${address}: ${typeof code === 'string' ? code : (cause as Error).message}`, { cause });
  }
  return redis;
}

/** A connection for BullMQ, which wants commands to wait for a reconnection (maxRetriesPerRequest: null). */
export const bullConnection = (redis: Redis): Redis => redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: false });
