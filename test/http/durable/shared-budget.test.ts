/**
 * Durable workers on one organization pace through one budget (issue 13, item 4): two hosts, each with its own
 * plugin on the shared Redis budget (as two machines would have), carry four runs at once against a simulator that
 * allows 10 requests/s: every row is answered and the simulator answers no 429. The control runs the same with two
 * budgets of their own and sees the overrun, so the first test's zero is the shared budget's doing.
 */
import t, { type Test } from 'tap';
import { loadPlugin } from '../../../connectors/index.js';
import { ConnectionVault } from '../../../hosts/http/connection-vault.js';
import { InProcessRateBudget } from '../../../connectors/respond-io/budget/in-process-budget.js';
import type { RateBudget } from '../../../connectors/respond-io/budget/rate-budget.js';
import { LimiterRegistry } from '../../../connectors/respond-io/pacer.js';
import { systemClock } from '../../../runtime/clock.js';
import type { Plugin } from '../../../runtime/plugin.js';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { CONTACT } from '../../respond-io/budget/drive.js';
import { testServer } from '../server-helpers.js';
import { KEY, redisFixture, until, type View } from './helpers.js';

const LIMIT = 10;
const RUNS = 4;
const ROWS_PER_RUN = 12;
// Wide, as in the budget's wiring test: this checks that workers share ONE budget, not how small the guard can be.
const WIDE_GUARD_MS = 500;
t.setTimeout(120_000);

type Fixture = Awaited<ReturnType<typeof redisFixture>>;

/**
 * A host with its own worker and its own plugin (closed after the host, before Redis stops). `ownBudget`: the
 * in-process budget the host would have in a process of its own (plugins in one process share one otherwise).
 */
async function host(redis: Fixture, sim: RunningSimulator, plugin: Plugin, ownBudget?: RateBudget): Promise<(request: { method: 'GET' | 'POST'; url: string; payload?: object }) => Promise<View>> {
  const server = redis.closeFirst(
    await testServer({
      plugin,
      logger: false,
      baseUrl: sim.baseUrl,
      allowLoopbackUpstreams: true,
      durable: { redisUrl: redis.server.url, vault: new ConnectionVault(KEY), worker: { concurrency: 2, lockDurationMs: 5_000, stalledIntervalMs: 2_000 } },
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

/** Four runs of 12 rows, started two on each host, run by both hosts' workers; resolves with their ends. */
async function fourRuns(t: Test, shared: boolean): Promise<{ sim: RunningSimulator; ended: View[] }> {
  const redis = await redisFixture(t);
  const sim = await startSimulator({ contacts: RUNS * ROWS_PER_RUN, limits: { [CONTACT]: LIMIT }, requestLog: 1000 });
  t.teardown(() => sim.close());
  const twoHosts = async () => {
    if (shared) {
      const budget = { rateBudget: { redisUrl: redis.server.url, guardMs: WIDE_GUARD_MS } };
      return [await host(redis, sim, await loadPlugin(budget)), await host(redis, sim, await loadPlugin(budget))];
    }
    const own = (): RateBudget => new InProcessRateBudget(systemClock, new LimiterRegistry(systemClock));
    return [await host(redis, sim, await loadPlugin(), own()), await host(redis, sim, await loadPlugin(), own())];
  };
  const hosts = await twoHosts();
  const started = await Promise.all(
    Array.from({ length: RUNS }, (_, n) => {
      const rows = sim.data.contacts.slice(n * ROWS_PER_RUN, (n + 1) * ROWS_PER_RUN).map((c) => ({ Identifier: `id:${c.id}` }));
      const payload = { connector: 'get-contact', settings: { 'Error behavior': 'Do not fail and return response' }, rows, concurrency: 4 };
      return (hosts[n % 2] as (typeof hosts)[number])({ method: 'POST', url: '/v1/runs', payload });
    }),
  );
  const [first] = hosts as [(typeof hosts)[number]];
  const ended = await Promise.all(
    started.map((run) => until(`run ${run.id} ended`, async () => {
      const view = await first({ method: 'GET', url: `/v1/runs/${run.id}` });
      return view.status === 'running' ? undefined : view;
    }, 60_000)),
  );
  return { sim, ended };
}

t.test('two hosts\' workers on the shared Redis budget, four runs at once, 10/s: every row answered, 0 × 429', async (t) => {
  const { sim, ended } = await fourRuns(t, true);
  for (const view of ended) t.match(view, { status: 'succeeded', progress: { rowsDone: ROWS_PER_RUN, errorRows: 0 } }, `run ${view.id}: ${ROWS_PER_RUN} rows, no error row`);
  t.equal(sim.stats.endpoints[CONTACT]?.requests, RUNS * ROWS_PER_RUN, 'one request per row reached the simulator');
  t.equal(sim.stats.totalRateLimited, 0, 'and it answered no 429');
});

t.test('control: the same two hosts with a budget each overrun the limit', async (t) => {
  const { sim } = await fourRuns(t, false);
  t.ok(sim.stats.totalRateLimited > 0, `two unshared budgets: ${sim.stats.totalRateLimited} × 429`);
});
