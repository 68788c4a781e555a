import nock from 'nock';
import t from 'tap';
import type { Clock } from '../../runtime/clock.js';
import { createRespondIoClient } from '../../connectors/respond-io/index.js';
import { EndpointLimiter, organizationKey, sharedLimiter } from '../../connectors/respond-io/pacer.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, BASE_URL, contactBody, failure, TOKEN } from './fixtures.js';

// Pacing is tested on a fake clock: no test sleeps on real time to pace, and no assertion reads wall time.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());

const gaps = (times: number[]): number[] => times.slice(1).map((time, i) => time - (times[i] as number));

t.test('limiter: N waiters at R/s are let through 1000/R ms apart, FIFO', async (t) => {
  const clock = new FakeClock();
  const limiter = new EndpointLimiter(clock);
  const granted: [number, number][] = [];
  const all = Promise.all([0, 1, 2, 3, 4].map((n) => limiter.acquire(100, undefined).then(() => granted.push([n, clock.now()]))));
  await clock.run(all);
  t.same(granted.map(([n]) => n), [0, 1, 2, 3, 4], 'first come, first served');
  t.same(gaps(granted.map(([, at]) => at)), [100, 100, 100, 100]);
});

t.test('limiter: spacing counts from the actual previous send when timers fire late', async (t) => {
  // Every timer of this clock fires 30 ms late. Planned on a grid (0, 100, 200…), the sends after a late one would
  // come closer than 100 ms; measured from the actual send they never do.
  const inner = new FakeClock();
  const late: Clock = { now: () => inner.now(), sleep: (ms, signal) => inner.sleep(ms + 30, signal) };
  const limiter = new EndpointLimiter(late);
  const times: number[] = [];
  await inner.run(Promise.all([0, 1, 2, 3].map(() => limiter.acquire(100).then(() => times.push(inner.now())))));
  t.ok(gaps(times).every((gap) => gap >= 100), `gaps ${gaps(times).join(', ')} are all ≥ 100 ms`);
});

t.test('limiter: an aborted waiter leaves the queue; the next one takes its slot', async (t) => {
  const clock = new FakeClock();
  const limiter = new EndpointLimiter(clock);
  const start = clock.now();
  await limiter.acquire(100);
  const controller = new AbortController();
  const second = limiter.acquire(100, controller.signal);
  const thirdAt = limiter.acquire(100).then(() => clock.now());
  t.equal(limiter.waiting, 2);
  controller.abort(new Error('row cancelled'));
  await t.rejects(second, { message: 'row cancelled' });
  t.equal(limiter.waiting, 1, 'the aborted waiter left the queue');
  t.equal(await clock.run(thirdAt), start + 100);
});

t.test('limiter: a pause holds every waiter until it ends; pauses only extend', async (t) => {
  const clock = new FakeClock();
  const limiter = new EndpointLimiter(clock);
  const start = clock.now();
  await limiter.acquire(100);
  limiter.pauseUntil(start + 2000);
  limiter.pauseUntil(start + 500);
  t.equal(limiter.pauseRemainingMs(), 2000);
  t.equal(await clock.run(limiter.acquire(100).then(() => clock.now())), start + 2000);
});

t.test('the registry: one limiter per organization (hashed token + origin), endpoint and clock', async (t) => {
  const clock = new FakeClock();
  const org = organizationKey(TOKEN, BASE_URL);
  t.notMatch(org, TOKEN, 'the key holds a hash, not the token');
  t.equal(org, organizationKey(TOKEN, 'https://api.respond.io/other'), 'the origin counts, not the path');
  t.equal(sharedLimiter(clock, org, 'GET /contact/{identifier}'), sharedLimiter(clock, org, 'GET /contact/{identifier}'));
  t.not(sharedLimiter(clock, org, 'GET /contact/{identifier}'), sharedLimiter(clock, org, 'POST /contact/list'));
  t.not(sharedLimiter(clock, org, 'GET /contact/{identifier}'), sharedLimiter(clock, organizationKey('another-token', BASE_URL), 'GET /contact/{identifier}'));
});

/** Records the fake-clock time at which each request reaches the server. */
function serve(path: RegExp, times: number[], clock: FakeClock, count: number): nock.Scope {
  return api().get(path).times(count).reply(() => {
    times.push(clock.now());
    return [200, contactBody];
  });
}

t.test('client: 6 concurrent calls against an override of 5/s go out 200 ms apart; waits are counted', async (t) => {
  const clock = new FakeClock();
  const times: number[] = [];
  const scope = serve(/^\/v2\/contact\/id:\d+$/, times, clock, 6);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock, rateLimits: { 'GET /contact/{identifier}': 5 } });
  await clock.run(Promise.all([1, 2, 3, 4, 5, 6].map((n) => client.getContact(`id:${n}`))), { idle: () => client.stats().requests === times.length });
  t.same(gaps(times), [200, 200, 200, 200, 200]);
  // Wall clock: someone waited from the first acquire to the last send (1000 ms); row-ms: each call's own wait summed.
  t.same(client.stats(), { requests: 6, retries: 0, rateLimited: 0, rateLimitWaitMs: 1000, rateLimitWaitRowMs: 200 + 400 + 600 + 800 + 1000, byStatus: { 200: 6 } });
  scope.done();
});

t.test('client: two runs with the same token share the pace; another token does not', async (t) => {
  const clock = new FakeClock();
  const times: number[] = [];
  const scope = serve(/^\/v2\/contact\/id:\d+$/, times, clock, 8);
  const make = (token: string) => createRespondIoClient({ token, baseUrl: BASE_URL, clock });
  const [a, b, other] = [make(TOKEN), make(TOKEN), make('tok_FAKE_other_org_000')];
  const sent = (): number => a.stats().requests + b.stats().requests + other.stats().requests;
  await clock.run(Promise.all([1, 2, 3].flatMap((n) => [a.getContact(`id:${n}`), b.getContact(`id:${n}`)])), { idle: () => sent() === times.length });
  t.ok(gaps(times).every((gap) => gap >= 100), `same organization: every gap ≥ 100 ms (${gaps(times).join(', ')})`);
  const before = clock.now();
  await clock.run(Promise.all([a.getContact('id:7'), other.getContact('id:8')]), { idle: () => sent() === times.length });
  // `a` cannot send before `before + 100`, so the request at `before` is the other organization's: it did not queue.
  t.same(times.slice(6), [before, before + 100], 'the other organization did not queue behind this one');
  scope.done();
});

t.test('client: a 429 pauses the endpoint for the other callers too, until Retry-After elapses', async (t) => {
  const clock = new FakeClock();
  const times: number[] = [];
  const scope = api()
    .get('/v2/contact/id:1').reply(() => {
      times.push(clock.now());
      return [429, { code: 429, message: 'Too many requests' }, { 'retry-after': '2' }];
    })
    .get(/^\/v2\/contact\/id:[12]$/).times(2).reply(() => {
      times.push(clock.now());
      return [200, contactBody];
    });
  const first = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const second = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const started = clock.now();
  const a = first.getContact('id:1');
  // Wait (on real I/O) until the 429 has come back and the retry waits on the paused limiter.
  await clock.until(() => first.stats().rateLimited === 1 && clock.pending > 0);
  const b = second.getContact('id:2');
  await clock.run(Promise.all([a, b]), { idle: () => first.stats().requests + second.stats().requests === times.length });
  t.same(times, [started, started + 2000, started + 2100], 'nobody sent during the pause; then paced again');
  t.equal(second.stats().rateLimited, 0, 'the second run never got a 429');
  t.equal(second.stats().rateLimitWaitMs, 2100, 'but its wait is counted');
  t.same(first.stats(), { requests: 2, retries: 1, rateLimited: 1, rateLimitWaitMs: 2000, rateLimitWaitRowMs: 2000, byStatus: { 200: 1, 429: 1 } });
  scope.done();
});

t.test('client: a pause longer than the single-wait cap fails other rows at once, without a request', async (t) => {
  const clock = new FakeClock({ autoAdvance: true });
  const scope = api().get('/v2/contact/id:1').reply(429, { code: 429, message: 'Too many requests' }, { 'retry-after': '600' });
  const first = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  t.match(await failure(first.getContact('id:1')), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429 });
  const second = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  t.match(await failure(second.getContact('id:2')), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429, message: /paused by respond.io .* longer than retryPolicy.maxSingleWaitMs 60000/ });
  t.equal(second.stats().requests, 0);
  scope.done();
});

t.test('client: a row aborted while queued leaves the queue and never sends', async (t) => {
  const clock = new FakeClock();
  const times: number[] = [];
  const scope = serve(/^\/v2\/contact\/id:[13]$/, times, clock, 2);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const controller = new AbortController();
  const calls = [client.getContact('id:1'), client.getContact('id:2', controller.signal), client.getContact('id:3')];
  controller.abort(new Error('row 2 cancelled'));
  t.match(await failure(calls[1] as Promise<unknown>), { code: 'RC_ABORTED', statusCode: 500, message: /row 2 cancelled/ });
  await clock.run(Promise.all([calls[0], calls[2]]), { idle: () => client.stats().requests === times.length });
  t.equal(times.length, 2);
  t.equal(client.stats().requests, 2);
  scope.done();
});
