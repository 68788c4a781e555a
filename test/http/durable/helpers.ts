import type { Test } from 'tap';
import { Redis } from 'ioredis';
import { ConnectionVault } from '../../../hosts/http/connection-vault.js';
import type { DurableOptions } from '../../../hosts/http/durable/durable-mode.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { testServer, type TestServer } from '../server-helpers.js';
import type { FakeOptions } from '../../helpers/fake-connector.js';

export const KEY = 'durable-test-key-0123456789abcdefghijklmnop';
export const OTHER_KEY = 'another-durable-key-0123456789abcdefghijklm';

export type View = {
  id: string;
  status: string;
  progress: { rowsTotal: number | null; rowsDone: number; rowsEmitted: number; errorRows: number; upstreamRequests: number };
  result?: { status: string; rowsRead: number; rowsEmitted: number; resumed?: { fromRow: number }; failure?: { code: string; message: string }; upstream: { requests: number } };
};

/** A host in durable mode on the test's Redis, with the fake connector; `worker: false` for a replica that only answers. */
export async function durableServer(
  redis: RedisServer,
  options: { worker?: DurableOptions['worker']; key?: string; fake?: FakeOptions; keepForMs?: number } = {},
): Promise<TestServer> {
  return testServer({
    fake: options.fake ?? {},
    durable: {
      redisUrl: redis.url,
      vault: new ConnectionVault(options.key ?? KEY),
      worker: options.worker ?? { concurrency: 2, lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
    },
    runs: { keepForMs: options.keepForMs ?? 60_000 },
    shutdownGraceMs: 5_000,
  });
}

/**
 * A real redis-server for one test, and a client to look into it. Servers registered with `closeFirst` are closed
 * at teardown before Redis stops (a host closing against a dead Redis would wait for it).
 */
export async function redisFixture(t: Test): Promise<{ server: RedisServer; client: Redis; closeFirst<T extends { app: { close(): Promise<unknown> } }>(s: T): T }> {
  const server = await startRedisServer();
  const client = new Redis(server.url);
  client.on('error', () => undefined); // tests that stop Redis on purpose would print each failed reconnection
  const hosts: { app: { close(): Promise<unknown> } }[] = [];
  t.teardown(async () => {
    for (const host of hosts) await host.app.close();
    client.disconnect();
    await server.stop();
  });
  return {
    server,
    client,
    closeFirst(s) {
      hosts.push(s);
      return s;
    },
  };
}

/** Polls `check` every 25 ms until it returns a value; fails after `ms`. No verdict rests on the wait itself. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every key in Redis and every value in it, as text (SCAN + TYPE + the read fitting the type). */
export async function dumpRedis(client: Redis): Promise<Map<string, string>> {
  const all = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      let value: unknown;
      if (type === 'string') value = await client.get(key);
      else if (type === 'hash') value = await client.hgetall(key);
      else if (type === 'list') value = await client.lrange(key, 0, -1);
      else if (type === 'set') value = await client.smembers(key);
      else if (type === 'zset') value = await client.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') value = await client.xrange(key, '-', '+');
      else value = `(${type})`;
      all.set(key, `${type} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return all;
}
