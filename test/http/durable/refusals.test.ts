import { PassThrough } from 'node:stream';
import t from 'tap';
import { main } from '../../../hosts/cli/main.js';
import { startRedisServer } from '../../helpers/redis-server.js';
import { ConnectionVault } from '../../../hosts/http/connection-vault.js';
import { testServer } from '../server-helpers.js';
import { KEY, redisFixture, until } from './helpers.js';

const API_KEY = 'durable-refusal-api-key-0123456789';
const GOOD_KEY = 'a-good-encryption-key-0123456789abcdefghij';

/** The CLI in this process; no plugin is injected, so serve and worker open the real one (and its Redis budget). */
async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  stdout.resume();
  stdin.end();
  const code = await main(argv, { stdin, stdout, stderr, env });
  return { code, stderr: text };
}

t.test('durable mode without a usable encryption key: serve and worker refuse to start, exit 2, the key never printed', async (t) => {
  const redis = 'redis://127.0.0.1:9';
  for (const [name, key] of [['missing', undefined], ['short', 'only-twenty-chars-xx']] as const) {
    const env = { RESPONDIO_CONNECTORS_API_KEY: API_KEY, RESPONDIO_REDIS_URL: redis, ...(key ? { RESPONDIO_CONNECTORS_ENCRYPTION_KEY: key } : {}) };
    const serve = await cli(['serve', '--port', '0'], env);
    t.equal(serve.code, 2, `serve, key ${name}: exit 2`);
    t.match(serve.stderr, key ? /RESPONDIO_CONNECTORS_ENCRYPTION_KEY is too short: at least 32 characters/ : /RESPONDIO_CONNECTORS_ENCRYPTION_KEY is not set/, `serve, key ${name}: says why`);
    const worker = await cli(['worker'], env);
    t.equal(worker.code, 2, `worker, key ${name}: exit 2`);
    t.match(worker.stderr, /RESPONDIO_CONNECTORS_ENCRYPTION_KEY/, `worker, key ${name}: names the variable`);
    if (key) t.notOk(serve.stderr.includes(key) || worker.stderr.includes(key), 'the key is not printed');
  }
});

t.test('worker without Redis: exit 2 saying where to set it', async (t) => {
  const worker = await cli(['worker'], { RESPONDIO_CONNECTORS_ENCRYPTION_KEY: GOOD_KEY });
  t.equal(worker.code, 2);
  t.match(worker.stderr, /no Redis: set RESPONDIO_REDIS_URL or pass --redis-url/);
});

t.test('serve / worker --redis-url to an unreachable Redis: exit 2 naming host:port, never the password', async (t) => {
  const redis = await startRedisServer();
  await redis.stop();
  const url = `redis://user:pw-durable-s3cret@127.0.0.1:${redis.port}`;
  const env = { RESPONDIO_CONNECTORS_API_KEY: API_KEY, RESPONDIO_CONNECTORS_ENCRYPTION_KEY: GOOD_KEY };
  for (const argv of [['serve', '--port', '0', '--redis-url', url], ['worker', '--redis-url', url]]) {
    const outcome = await cli(argv, env);
    t.equal(outcome.code, 2, `${argv[0]}: exit 2`);
    t.match(outcome.stderr, `127.0.0.1:${redis.port}`, `${argv[0]}: names host:port`);
    t.notMatch(outcome.stderr, /pw-durable-s3cret/, `${argv[0]}: never the password`);
  }
});

t.test('worker --help lists its flags', async (t) => {
  const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  stdin.end();
  t.equal(await main(['worker', '--help'], { stdin, stdout, stderr, env: {} }), 0);
  for (const flag of ['--redis-url', '--concurrency', '--lock-seconds', '--stalled-check-seconds', '--keep-seconds']) t.match(text, flag);
});

t.test('a host that fails while being built, after durable mode connected: its Redis connection is closed', async (t) => {
  const redis = await redisFixture(t);
  const connected = async (): Promise<number> => String(await redis.client.client('LIST')).trim().split('\n').length;
  t.equal(await connected(), 1, 'before: only the test\'s own client');
  const failing = testServer({
    durable: { redisUrl: redis.server.url, vault: new ConnectionVault(KEY), worker: false },
    // A route that cannot be registered: buildServer throws after DurableMode.open.
    onRoute: (route) => {
      if (route.url === '/v1/runs') throw new Error('route refused by the test');
    },
  });
  await t.rejects(failing, /route refused by the test/, 'buildServer throws the registration error');
  // A connection still connecting when it is closed is dropped by the server a moment later: polled, not assumed.
  const left = await until('connections closed', async () => ((await connected()) === 1 ? 1 : undefined), 5_000).catch(() => connected());
  t.equal(left, 1, 'after: the host\'s Redis connections were closed, none left open');
});
