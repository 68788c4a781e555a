import t from 'tap';
import { loadPlugin } from '../../../connectors/index.js';
import { ConnectionVault } from '../../../hosts/http/connection-vault.js';
import { buildServer } from '../../../hosts/http/build-server.js';
import { runKeys } from '../../../hosts/http/durable/keys.js';
import { startSimulator } from '../../../simulator/index.js';
import { dumpRedis, KEY, redisFixture, until, type View } from './helpers.js';
import { cli, stderrMatch } from './processes.js';

const API_KEY = 'durable-crash-api-key-0123456789';
const CONTACT_PATH = /\/contact\/(id:\d+)$/;
// Five CLI processes start here (serve twice, two workers): ~2 s each on an idle machine, up to ~20 s on a loaded one.
t.setTimeout(240_000);

t.test('SIGKILL a worker mid-run and restart serve: another worker finishes, each row once, as an uninterrupted run', async (t) => {
  const redis = await redisFixture(t);
  const sim = await startSimulator({ contacts: 60, latencyMs: 40, requestLog: 5_000 });
  t.teardown(() => sim.close());
  const identifiers = sim.data.contacts.slice(0, 40).map((c) => `id:${c.id}`);
  const rows = identifiers.map((Identifier) => ({ Identifier }));
  const settings = { 'Error behavior': 'Do not fail and return response' };

  // The uninterrupted run, through the library, for the rows to compare with.
  const plugin = await loadPlugin();
  t.teardown(() => plugin.close());
  const baseline = await plugin.run({ connector: 'get-contact', rows, connection: { Token: sim.token, 'Base URL': sim.baseUrl }, settings }).collect();
  const logBefore = sim.stats.log.length;

  const env = { RESPONDIO_CONNECTORS_API_KEY: API_KEY, RESPONDIO_CONNECTORS_ENCRYPTION_KEY: KEY, RESPONDIO_REDIS_URL: redis.server.url };
  const serveArgs = ['serve', '--port', '0', '--base-url', sim.baseUrl, '--no-worker'];
  const serveA = cli(t, serveArgs, env);
  const [, urlA] = await stderrMatch(serveA, /listening on (\S+)/);
  const auth = { authorization: `Bearer ${API_KEY}` };
  const started = (await (
    await fetch(`${urlA}/v1/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'x-respondio-token': sim.token },
      body: JSON.stringify({ connector: 'get-contact', settings, rows, concurrency: 1 }),
    })
  ).json()) as View;
  t.equal(started.status, 'running');

  const workerArgs = ['worker', '--concurrency', '1', '--lock-seconds', '2', '--stalled-check-seconds', '1'];
  const first = cli(t, workerArgs, env);
  const meta = runKeys(started.id).meta;
  await until('8 rows committed', async () => (Number(await redis.client.hget(meta, 'committed')) >= 8 ? true : undefined), 90_000);
  await first.kill('SIGKILL');
  const committedAtKill = Number(await redis.client.hget(meta, 'committed'));
  t.ok(committedAtKill >= 8 && committedAtKill < 40, `killed mid-run (${committedAtKill} of 40 rows committed)`);
  const midRun = await dumpRedis(redis.client);
  t.notOk([...midRun.values()].some((value) => value.includes(sim.token)), 'no token in any Redis key of the running run');

  // serve restarts (a crash) while the run waits for a worker.
  await serveA.kill('SIGKILL');
  const serveB = cli(t, serveArgs, env);
  const second = cli(t, workerArgs, env);
  const [, urlB] = await stderrMatch(serveB, /listening on (\S+)/);
  const poll = async (): Promise<View> => (await (await fetch(`${urlB}/v1/runs/${started.id}`, { headers: auth })).json()) as View;
  const done = await until('the run ended', async () => {
    const view = await poll();
    return view.status === 'running' ? undefined : view;
  }, 90_000);
  t.match(done, { status: 'succeeded', progress: { rowsDone: 40, rowsEmitted: 40 }, result: { rowsRead: 40, rowsEmitted: 40, resumed: { fromRow: committedAtKill + 1 } } });
  const page = (await (await fetch(`${urlB}/v1/runs/${started.id}/rows?limit=100`, { headers: auth })).json()) as { rows: unknown[]; nextOffset: number | null };
  t.same(page.rows, baseline.rows, 'the rows: each once, in order, equal to an uninterrupted run');
  t.equal(page.nextOffset, null);

  // A second replica (this process) answers for the same run.
  const replica = await buildServer({ plugin, apiKey: API_KEY, logger: false, durable: { redisUrl: redis.server.url, vault: new ConnectionVault(KEY), worker: false } });
  redis.closeFirst({ app: replica });
  const fromReplica = await replica.inject({ method: 'GET', url: `/v1/runs/${started.id}/rows?limit=100`, headers: auth });
  t.same(fromReplica.json().rows, baseline.rows, 'the second replica reads the same rows');

  // The simulator saw one request for every row committed before the kill; only rows in flight then were asked again.
  const asked = new Map<string, number>();
  for (const entry of sim.stats.log.slice(logBefore)) {
    const id = CONTACT_PATH.exec(entry.url ?? '')?.[1];
    if (id) asked.set(id, (asked.get(id) ?? 0) + 1);
  }
  const twice = identifiers.slice(0, committedAtKill).filter((id) => asked.get(id) !== 1);
  t.same(twice, [], 'no second request for a recorded row');
  t.same(identifiers.filter((id) => !asked.has(id)), [], 'every row was asked');

  const finished = await dumpRedis(redis.client);
  t.notOk([...finished.values()].some((value) => value.includes(sim.token)), 'no token in any Redis key of the finished run');
  await second.kill('SIGTERM');
  t.equal(await second.exited, 0, 'the worker stops cleanly on SIGTERM');
  await serveB.kill('SIGTERM');
});
