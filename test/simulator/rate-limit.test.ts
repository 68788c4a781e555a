import t from 'tap';
import { buildSimulator, endpoints } from '../../simulator/index.js';
import { SlidingWindowLimiter } from '../../simulator/rate-limit.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { authOf, isErrorBody } from './helpers.js';

t.test('limiter: at most R in ANY trailing 1000 ms, not per fixed second', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const limiter = new SlidingWindowLimiter(clock);
  await clock.advance(900);
  for (let i = 0; i < 5; i++) t.ok(limiter.take('tok', 'E', 5).allowed, `request ${i + 1} at 900 ms`);
  await clock.advance(100); // 1000 ms: a fixed one-second window would reset here
  const refused = limiter.take('tok', 'E', 5);
  t.notOk(refused.allowed, 'still refused at 1000 ms');
  t.equal(refused.retryAfterMs, 900, 'a slot frees at 1900 ms');
  t.equal(refused.retryAfterSeconds, 1, 'Retry-After rounds up to whole seconds, at least 1');
  await clock.advance(899);
  t.notOk(limiter.take('tok', 'E', 5).allowed, 'refused at 1899 ms');
  await clock.advance(1);
  t.ok(limiter.take('tok', 'E', 5).allowed, 'allowed at 1900 ms');
  t.ok(limiter.take('other-token', 'E', 5).allowed, 'per token');
  t.ok(limiter.take('tok', 'F', 5).allowed, 'per endpoint');
});

t.test('limiter: refused requests take no slot, so a client retrying too early is not locked out', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const limiter = new SlidingWindowLimiter(clock);
  t.ok(limiter.take('tok', 'E', 1).allowed);
  for (let ms = 100; ms < 1000; ms += 100) {
    await clock.advance(100);
    t.notOk(limiter.take('tok', 'E', 1).allowed, `refused at ${ms} ms`);
  }
  await clock.advance(100);
  t.ok(limiter.take('tok', 'E', 1).allowed, 'allowed one second after the accepted one');
});

t.test('over the documented limit → 429 { code, message } with Retry-After; every answer has the X-RateLimit headers', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const sim = buildSimulator({ clock, contacts: 20 });
  t.teardown(() => sim.app.close());
  const headers = authOf(sim);
  const url = `/v2/contact/id:${sim.data.contacts[0]?.id}`;
  const limit = endpoints.find((e) => e.key === 'GET /contact/{identifier}')?.documentedLimit;
  t.equal(limit, 10, 'seed 003: Get a contact 10/s');

  for (let i = 0; i < 10; i++) {
    const res = await sim.app.inject({ url, headers });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['x-ratelimit-limit'], '10');
    t.equal(res.headers['x-ratelimit-remaining'], String(9 - i));
  }
  const limited = await sim.app.inject({ url, headers });
  t.ok(isErrorBody(limited, 429));
  t.equal(limited.headers['retry-after'], '1');
  t.equal(limited.headers['x-ratelimit-limit'], '10');
  t.equal(limited.headers['x-ratelimit-remaining'], '0');

  // Another endpoint has its own budget (Get a message: 15/s).
  const message = sim.data.messagesOf(Number(sim.data.contacts[0]?.id))[0];
  const other = await sim.app.inject({ url: `${url}/message/${message?.messageId}`, headers });
  t.equal(other.statusCode, 200);
  t.equal(other.headers['x-ratelimit-limit'], '15');
  // 404s and 400s count too: respond.io limits requests, not successes.
  t.equal((await sim.app.inject({ url: '/v2/contact/id:9999999', headers })).statusCode, 429);

  await clock.advance(999);
  t.equal((await sim.app.inject({ url, headers })).statusCode, 429, 'the window slides: not yet at 999 ms');
  await clock.advance(1);
  t.equal((await sim.app.inject({ url, headers })).statusCode, 200, 'free again at 1000 ms');

  t.equal(sim.stats.endpoints['GET /contact/{identifier}']?.rateLimited, 3);
  t.equal(sim.stats.endpoints['GET /contact/{identifier}']?.byStatus['429'], 3);
  t.equal(sim.stats.totalRateLimited, 3);
  const log = sim.stats.log.filter((e) => e.endpoint === 'GET /contact/{identifier}');
  t.same(log.map((e) => e.status), [...Array(10).fill(200), 429, 429, 429, 200]);
  t.equal(log.at(-1)?.at, 1000, 'the log stamps the injected clock time');
});

t.test('a client that paces at the limit never meets a 429', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const sim = buildSimulator({ clock, contacts: 20 });
  t.teardown(() => sim.app.close());
  const headers = authOf(sim);
  for (let i = 0; i < 50; i++) {
    const res = await sim.app.inject({ method: 'POST', url: '/v2/contact/list?limit=1', headers, payload: {} });
    t.equal(res.statusCode, 200, `request ${i} at ${clock.now()} ms`);
    await clock.advance(200); // 5/s
  }
  t.equal(sim.stats.totalRateLimited, 0);
});

t.test('limits: false turns them off; overrides replace one endpoint; bad overrides are refused', async (t) => {
  const off = buildSimulator({ limits: false, contacts: 5, clock: new FakeClock() });
  t.teardown(() => off.app.close());
  for (let i = 0; i < 30; i++) t.equal((await off.app.inject({ url: '/v2/contact/id:1001', headers: authOf(off) })).statusCode, 200);

  const custom = buildSimulator({ limits: { 'GET /contact/{identifier}': 2 }, contacts: 5, clock: new FakeClock() });
  t.teardown(() => custom.app.close());
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await custom.app.inject({ url: '/v2/contact/id:1001', headers: authOf(custom) })).statusCode);
  t.same(statuses, [200, 200, 429]);
  t.equal((await custom.app.inject({ method: 'POST', url: '/v2/contact/list', headers: authOf(custom), payload: {} })).headers['x-ratelimit-limit'], '5', 'others stay documented');

  t.throws(() => buildSimulator({ limits: { 'GET /nope': 3 } as never }), /option limits: unknown endpoint "GET \/nope"/);
  t.throws(() => buildSimulator({ limits: { 'GET /contact/{identifier}': 0 } }), /limits\["GET \/contact\/\{identifier\}"\] must be an integer from 1/);
});
