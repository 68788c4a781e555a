import nock from 'nock';
import t from 'tap';
import { InProcessRateBudget } from '../../connectors/respond-io/budget/in-process-budget.js';
import type { EndpointBudget, RateBudget } from '../../connectors/respond-io/budget/rate-budget.js';
import { createRespondIoClient } from '../../connectors/respond-io/client.js';
import { LimiterRegistry } from '../../connectors/respond-io/pacer.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { FakeClock } from '../helpers/fake-clock.js';

// What the attempt loop asks of its RateBudget (budget/README.md, "One attempt"), seen by a budget that records it.
nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());
t.afterEach(() => nock.cleanAll());

const API = 'https://api.respond.io';
const TOKEN = 'tok_FAKE_loop_budget_0c1d';

/** The in-process budget, with every call written down in order. */
function recordingBudget(clock: FakeClock, calls: string[]): RateBudget {
  const inner = new InProcessRateBudget(clock, new LimiterRegistry(clock));
  return {
    endpoint(organization, key): EndpointBudget {
      const budget = inner.endpoint(organization, key);
      return {
        pauseRemainingMs: () => (calls.push('pauseRemainingMs'), budget.pauseRemainingMs()),
        // The limit may come as a function (read as late as the store can: header learning); recorded as its value now.
        acquire: (limit, signal) => (calls.push(`acquire ${typeof limit === 'function' ? limit() : limit}`), budget.acquire(limit, signal)),
        gate: async (limit, signal) => {
          calls.push(`gate ${limit}`);
          const ticket = await budget.gate(limit, signal);
          return { noteSent: (at) => (calls.push('noteSent'), ticket.noteSent(at)) };
        },
        penalize: (ms) => (calls.push(`penalize ${ms}`), budget.penalize(ms)),
      };
    },
    close: () => inner.close(),
  };
}

t.test('one attempt: pause check, acquire, gate, the send noted at its socket write; a 429 penalizes, a 449 does not', async (t) => {
  const clock = new FakeClock({ autoAdvance: true });
  const calls: string[] = [];
  const client = createRespondIoClient({ token: TOKEN, baseUrl: `${API}/v2`, clock, random: () => 0, rateBudget: recordingBudget(clock, calls) });
  t.teardown(() => client.close());
  const scope = nock(API).get('/v2/contact/id:1').reply(429, { message: 'slow down' }, { 'Retry-After': '2' }).get('/v2/contact/id:1').reply(449, { message: 'being created' }).get('/v2/contact/id:1').reply(200, { id: 1 });
  t.same(await client.getContact('id:1'), { id: 1 });
  scope.done();
  const attempt = ['pauseRemainingMs', 'acquire 10', 'gate 10', 'noteSent'];
  t.same(calls, [...attempt, 'penalize 2000', ...attempt, ...attempt], 'three attempts; only the 429 penalized the endpoint, with its Retry-After');
});

t.test('RC_RATE_BUDGET_UNAVAILABLE from the budget stops the run as a configuration error, with no request', async (t) => {
  const clock = new FakeClock({ autoAdvance: true });
  const gone = new ConfigurationError('RC_RATE_BUDGET_UNAVAILABLE', 'Redis at 127.0.0.1:6390 unreachable for more than 30000 ms');
  for (const step of ['acquire', 'gate'] as const) {
    const inner = new InProcessRateBudget(clock, new LimiterRegistry(clock));
    const budget: RateBudget = { endpoint: (o, k) => ({ ...inner.endpoint(o, k), [step]: () => Promise.reject(gone) }), close: async () => {} };
    const client = createRespondIoClient({ token: TOKEN, baseUrl: `${API}/v2`, clock, rateBudget: budget });
    // nock has no interceptor and no net connect: a request would fail as RC_UPSTREAM_NO_RESPONSE, not like this.
    await t.rejects(client.getContact('id:1'), { code: 'RC_RATE_BUDGET_UNAVAILABLE', kind: 'configuration' }, `${step} rejecting: the configuration error itself`);
    t.equal(client.stats().requests, 0, `${step} rejecting: no request counted`);
    client.close();
  }
});
