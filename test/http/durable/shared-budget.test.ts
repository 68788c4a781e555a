/**
 * Durable workers on one organization pace through one budget (issue 13, item 4): two `respondio-connectors worker`
 * processes on the shared Redis budget carry four runs at once against a simulator that allows 10 requests/s: every
 * row is answered and the simulator answers no 429. The workers are real child processes, as on two machines: in
 * this process their work would delay the simulator's own arrival stamps (one event loop), and a heavily loaded run
 * saw 2 × 429 that way. The control runs two in-process hosts with budgets of their own and sees the overrun, so the
 * first test's zero is the shared budget's doing.
 */
import t, { type Test } from 'tap';
import { loadPlugin } from '../../../connectors/index.js';
import { ConnectionVault } from '../../../hosts/http/connection-vault.js';
import { InProcessRateBudget } from '../../../connectors/respond-io/budget/in-process-budget.js';
import type { RateBudget } from '../../../connectors/respond-io/budget/rate-budget.js';
import type { DurableOptions } from '../../../hosts/http/durable/durable-mode.js';
import { LimiterRegistry } from '../../../connectors/respond-io/pacer.js';
import { systemClock } from '../../../runtime/clock.js';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { CONTACT } from '../../respond-io/budget/drive.js';
import { testServer } from '../server-helpers.js';
import { KEY, redisFixture, until, type View } from './helpers.js';
import { cli, stderrMatch } from './processes.js';

const LIMIT = 10;
const RUNS = 4;
const ROWS_PER_RUN = 12;
// Wide, as in the budget's wiring test: this checks that workers share ONE budget, not how small the guard can be.
const WIDE_GUARD_MS = '500';
// Two worker processes start here: ~2 s each on an idle machine, up to ~20 s on a loaded one.
t.setTimeout(180_000);

type Fixture = Awaited<ReturnType<typeof redisFixture>>;
type Ask = (request: { method: 'GET' | 'POST'; url: string; payload?: object }) => Promise<View>;

/**
 * A host in durable mode with its own plugin (closed after the host, before Redis stops). `ownBudget`: the
 * in-process budget the host would have in a process of its own (plugins in one process share one otherwise).
 */
async function host(redis: Fixture, sim: RunningSimulator, worker: NonNullable<DurableOptions['worker']>, ownBudget?: RateBudget): Promise<Ask> {
  const plugin = await loadPlugin();
  const server = redis.closeFirst(
    await testServer({
      plugin,
      logger: false,
      baseUrl: sim.baseUrl,
      allowLoopbackUpstreams: true,
      durable: { redisUrl: redis.server.url, vault: new ConnectionVault(KEY), worker },
      // The control's budgets must not learn from X-RateLimit-Remaining either (it would slow them down for another reason).
      connectorOptions: { rateLimitHeaders: false, ...(ownBudget ? { rateBudget: ownBudget } : {}) },
    }),
  );
  redis.closeFirst({ app: { close: () => plugin.close() } });
  return async (request) => {
    const response = await server.request({ ...request, token: false, headers: { 'x-respondio-token': sim.token } });
    if (response.statusCode >= 300) throw new Error(`${request.method} ${request.url}: ${response.statusCode} ${response.body}`);
    return response.json<View>();
  };
}

/** Four runs of 12 rows at once, started on the given hosts in turn; resolves with their ends, read from the first. */
async function fourRuns(sim: RunningSimulator, hosts: Ask[]): Promise<View[]> {
  const started = await Promise.all(
    Array.from({ length: RUNS }, (_, n) => {
      const rows = sim.data.contacts.slice(n * ROWS_PER_RUN, (n + 1) * ROWS_PER_RUN).map((c) => ({ Identifier: `id:${c.id}` }));
      const payload = { connector: 'get-contact', settings: { 'Error behavior': 'Do not fail and return response' }, rows, concurrency: 4 };
      return (hosts[n % hosts.length] as Ask)({ method: 'POST', url: '/v1/runs', payload });
    }),
  );
  const first = hosts[0] as Ask;
  return Promise.all(
    started.map((run) => until(`run ${run.id} ended`, async () => {
      const view = await first({ method: 'GET', url: `/v1/runs/${run.id}` });
      return view.status === 'running' ? undefined : view;
    }, 90_000)),
  );
}

async function simulatorFor(t: Test): Promise<RunningSimulator> {
  const sim = await startSimulator({ contacts: RUNS * ROWS_PER_RUN, limits: { [CONTACT]: LIMIT }, requestLog: 1000 });
  t.teardown(() => sim.close());
  return sim;
}

t.test('two worker processes on the shared Redis budget, four runs at once, 10/s: every row answered, 0 × 429', async (t) => {
  const redis = await redisFixture(t);
  const sim = await simulatorFor(t);
  const env = { RESPONDIO_REDIS_URL: redis.server.url, RESPONDIO_CONNECTORS_ENCRYPTION_KEY: KEY, RESPONDIO_REDIS_GUARD_MS: WIDE_GUARD_MS };
  const workers = [0, 1].map(() => cli(t, ['worker', '--concurrency', '2', '--lock-seconds', '10', '--stalled-check-seconds', '5'], env));
  // Both carry runs before any is started, so each takes its share.
  await Promise.all(workers.map((worker) => stderrMatch(worker, /carrying durable runs/)));
  // The host only stores the runs and answers; the two workers run them.
  const ended = await fourRuns(sim, [await host(redis, sim, false)]);
  for (const view of ended) t.match(view, { status: 'succeeded', progress: { rowsDone: ROWS_PER_RUN, errorRows: 0 } }, `run ${view.id}: ${ROWS_PER_RUN} rows, no error row`);
  t.equal(sim.stats.endpoints[CONTACT]?.requests, RUNS * ROWS_PER_RUN, 'one request per row reached the simulator');
  t.equal(sim.stats.totalRateLimited, 0, 'and it answered no 429');
  await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
});

t.test('control: two hosts\' workers with a budget each overrun the limit', async (t) => {
  const redis = await redisFixture(t);
  const sim = await simulatorFor(t);
  const worker = { concurrency: 2, lockDurationMs: 5_000, stalledIntervalMs: 2_000 };
  const own = (): RateBudget => new InProcessRateBudget(systemClock, new LimiterRegistry(systemClock));
  await fourRuns(sim, [await host(redis, sim, worker, own()), await host(redis, sim, worker, own())]);
  t.ok(sim.stats.totalRateLimited > 0, `two unshared budgets: ${sim.stats.totalRateLimited} × 429`);
});
