import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadPlugin } from '../../../connectors/index.js';
import type { Row } from '../../../runtime/connector.js';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { InProcessRateBudget } from '../../../connectors/respond-io/budget/in-process-budget.js';
import { LimiterRegistry } from '../../../connectors/respond-io/pacer.js';
import { systemClock } from '../../../runtime/clock.js';
import { CONTACT } from './drive.js';

// The shared rate budget as the plugin and the CLI wire it (RESPONDIO_REDIS_URL, --redis-url, loadPlugin({ rateBudget }),
// the Connection's Organization), against a real redis-server and the simulator's strict sliding-window limiter.
const LIMIT = 10;
/**
 * Wide on purpose (budget/README.md): these tests check that processes share ONE budget, not how small the guard can
 * be (the benchmark's job). On this loaded 2-core machine the simulator's event loop has stamped arrivals 90–200 ms late.
 */
const WIDE_GUARD_MS = '500';
const ROOT = new URL('../../../', import.meta.url).pathname;

async function redisFor(t: Test): Promise<RedisServer> {
  const server = await startRedisServer();
  t.teardown(() => server.stop());
  return server;
}

async function simulatorFor(t: Test, limit = LIMIT): Promise<RunningSimulator> {
  const sim = await startSimulator({ contacts: 60, limits: { [CONTACT]: limit }, requestLog: 1000 });
  t.teardown(() => sim.close());
  return sim;
}

const ids = (sim: RunningSimulator, from: number, count: number): string[] => sim.data.contacts.slice(from, from + count).map((c) => `id:${c.id}`);

interface Exit {
  code: number | null;
  stderr: string;
}

function cliProcess(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'hosts/cli/entry.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

t.test('three CLI processes, RESPONDIO_REDIS_URL, one simulator at 10/s: every row answered, 0 × 429', async (t) => {
  const [redis, sim] = [await redisFor(t), await simulatorFor(t)];
  const dir = mkdtempSync(join(tmpdir(), 'budget-wiring-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const perProcess = 10;
  const runs = [0, 1, 2].map((n) => {
    const input = join(dir, `in-${n}.ndjson`);
    writeFileSync(input, ids(sim, n * perProcess, perProcess).map((id) => JSON.stringify({ Identifier: id }) + '\n').join(''));
    const output = join(dir, `out-${n}.ndjson`);
    const env = { RESPONDIO_TOKEN: sim.token, RESPONDIO_REDIS_URL: redis.url, RESPONDIO_REDIS_GUARD_MS: WIDE_GUARD_MS };
    return cliProcess(['run', 'get-contact', '-i', input, '-o', output, '--base-url', sim.baseUrl, '--concurrency', '4'], env).then((exit) => ({ exit, output }));
  });
  const done = await Promise.all(runs);
  for (const [n, { exit, output }] of done.entries()) {
    t.equal(exit.code, 0, `process ${n} exited 0 (${exit.stderr.slice(-300)})`);
    const rows = readFileSync(output, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
    t.same(rows.map((row) => row.StatusCode), Array(perProcess).fill(200), `process ${n}: ${perProcess} rows, all 200`);
  }
  t.equal(sim.stats.endpoints[CONTACT]?.requests, 3 * perProcess, 'one request per row reached the simulator');
  t.equal(sim.stats.totalRateLimited, 0, 'and it answered no 429');
});

t.test('three pacers that do not share a budget: the simulator does see the overrun (control)', async (t) => {
  // What the test above would catch without one shared budget: three runs with pacers of their own (as three
  // processes without Redis have), started together in this process so no process start-up staggers them, and
  // without header learning (X-RateLimit-Remaining lets a pacer notice the others and slow down, which is not what
  // this control is about). Three pacers at 10/s each against 10/s: 429s.
  const sim = await simulatorFor(t);
  const plugin = await loadPlugin();
  const runs = [0, 1, 2].map((n) =>
    plugin
      .run({
        connector: 'get-contact',
        rows: ids(sim, n * 10, 10).map((Identifier) => ({ Identifier })),
        connection: { Token: sim.token, 'Base URL': sim.baseUrl },
        settings: { 'Error behavior': 'Do not fail and return response' },
        concurrency: 4,
        connectorOptions: { rateBudget: new InProcessRateBudget(systemClock, new LimiterRegistry(systemClock)), rateLimitHeaders: false },
      })
      .collect(),
  );
  await Promise.all(runs);
  t.ok(sim.stats.totalRateLimited > 0, `three unshared pacers: ${sim.stats.totalRateLimited} × 429`);
});

t.test('a Redis URL that cannot be reached at start: exit 2, host:port named, the password never shown', async (t) => {
  const redis = await startRedisServer();
  await redis.stop();
  const url = `redis://budget-user:pw-s3cret-budget@127.0.0.1:${redis.port}`;
  const ways = [{ via: '--redis-url', args: ['--redis-url', url], env: {} }, { via: 'RESPONDIO_REDIS_URL', args: [], env: { RESPONDIO_REDIS_URL: url } }];
  const exits = await Promise.all(ways.map((how) => cliProcess(['run', 'get-contact', '--base-url', 'http://127.0.0.1:9/v2', ...how.args], { RESPONDIO_TOKEN: 'tok_FAKE_wiring_000000', ...how.env })));
  for (const [i, exit] of exits.entries()) {
    const { via } = ways[i] as { via: string };
    t.equal(exit.code, 2, `${via}: a configuration error`);
    t.match(exit.stderr, /RC_RATE_BUDGET_UNAVAILABLE/, `${via}: its code`);
    t.match(exit.stderr, `127.0.0.1:${redis.port}`, `${via}: names host:port`);
    t.notMatch(exit.stderr, /pw-s3cret-budget/, `${via}: never the password`);
  }
});

/** Forwards every request to the simulator with its one token: two respond.io tokens reach one simulator. */
async function tokenGateway(t: Test, sim: RunningSimulator): Promise<string> {
  const target = new URL(sim.baseUrl);
  const server: Server = createServer((incoming, answer) => {
    const outgoing = request({ host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: { ...incoming.headers, authorization: `Bearer ${sim.token}` } }, (response) => {
      answer.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(answer);
    });
    incoming.pipe(outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}${target.pathname}`;
}

/** Milliseconds from the first to the last request the simulator logged on the endpoint (its own clock). */
function arrivalSpan(sim: RunningSimulator): number {
  const times = sim.stats.log.filter((entry) => entry.endpoint === CONTACT).map((entry) => entry.at);
  return Math.max(...times) - Math.min(...times);
}

async function twoTokenRuns(t: Test, organization: string | undefined): Promise<{ sim: RunningSimulator; rows: Row[] }> {
  // The simulator allows far more than the client's 5/s: what is counted is the client's own pace, not 429s.
  const sim = await simulatorFor(t, 100);
  const baseUrl = await tokenGateway(t, sim);
  const plugin = await loadPlugin();
  const run = (token: string, from: number) =>
    plugin
      .run({
        connector: 'get-contact',
        rows: ids(sim, from, 8).map((Identifier) => ({ Identifier })),
        connection: { Token: token, 'Base URL': baseUrl, ...(organization === undefined ? {} : { Organization: organization }) },
        settings: { 'Rate limits': { [CONTACT]: 5 } },
        concurrency: 4,
      })
      .collect();
  const results = await Promise.all([run('tok_FAKE_org_member_one_0001', 0), run('tok_FAKE_org_member_two_0002', 8)]);
  return { sim, rows: results.flatMap((result) => result.rows) };
}

t.test('two tokens naming one Organization share one budget in the process: 5/s together, not 5/s each', async (t) => {
  const shared = await twoTokenRuns(t, 'acme-workspace');
  t.same(shared.rows.map((row) => row.StatusCode), Array(16).fill(200), 'every row answered');
  // 5/s together: 16 sends need 15 intervals of ≥ 200 ms, 3000 ms. The simulator stamps an arrival when its event
  // loop gets to it, late by up to hundreds of ms on a loaded machine, never early: only a late FIRST stamp shortens
  // the span, so 600 ms of it is allowed. Two budgets of 5/s each would take 7 intervals, about 1400 ms.
  const sharedSpan = arrivalSpan(shared.sim);
  t.ok(sharedSpan >= 2400, `with one Organization: 16 requests took ${Math.round(sharedSpan)} ms from first to last (≥ 2400)`);
  const apart = await twoTokenRuns(t, undefined);
  const apartSpan = arrivalSpan(apart.sim);
  t.ok(apartSpan < 2400, `without it, each token paces on its own: ${Math.round(apartSpan)} ms from first to last (control)`);
});

t.test('loadPlugin({ rateBudget: { redisUrl } }): Redis killed and restarted mid-run, no row lost, 0 × 429', async (t) => {
  const [redis, sim] = [await redisFor(t), await simulatorFor(t)];
  const plugin = await loadPlugin({ rateBudget: { redisUrl: redis.url, guardMs: Number(WIDE_GUARD_MS) } });
  t.teardown(() => plugin.close());
  const wanted = ids(sim, 0, 12);
  const handle = plugin.run({ connector: 'get-contact', rows: wanted.map((Identifier) => ({ Identifier })), connection: { Token: sim.token, 'Base URL': sim.baseUrl }, concurrency: 4 });
  const rows: Row[] = [];
  let restarted: Promise<void> | undefined;
  for await (const row of handle) {
    rows.push(row);
    // After the third row: Redis crashes (SIGKILL, nothing saved) and comes back empty a moment later.
    if (rows.length === 3) restarted = redis.stop('SIGKILL').then(() => new Promise((resolve) => setTimeout(resolve, 300))).then(() => redis.restart());
  }
  t.ok(restarted, 'Redis was killed and restarted while rows were in flight');
  await restarted;
  t.same(rows.map((row) => row.StatusCode), Array(wanted.length).fill(200), 'every row answered 200');
  t.same(rows.map((row) => `id:${String(row.ID)}`), wanted, 'each row is its own contact, in input order');
  t.equal(sim.stats.totalRateLimited, 0, '0 × 429');
});
