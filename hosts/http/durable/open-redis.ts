import { Redis } from 'ioredis';
import { redisAddress } from '../../../connectors/respond-io/budget/redis-address.js';
import { connectOrExplain } from '../../../connectors/respond-io/budget/redis-connection.js';

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
  const failure = await connectOrExplain(redis);
  if (failure) throw new Error(`cannot reach the Redis of durable runs at ${address}: ${failure.reason}`, { cause: failure.cause });
  return redis;
}

/** A connection for BullMQ, which wants commands to wait for a reconnection (maxRetriesPerRequest: null). */
export const bullConnection = (redis: Redis): Redis => quiet(redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: false }));

/** A duplicate has none of the original's listeners: without one, each failed reconnection is printed as unhandled. */
export function quiet(redis: Redis): Redis {
  redis.on('error', () => undefined); // the owner sees the outage where it matters: a command fails, /readyz says 503
  return redis;
}
