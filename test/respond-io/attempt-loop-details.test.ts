import nock from 'nock';
import t from 'tap';
import { InProcessRateBudget } from '../../connectors/respond-io/budget/in-process-budget.js';
import { createRespondIoClient } from '../../connectors/respond-io/client.js';
import { organizationKey } from '../../connectors/respond-io/pacer.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { capturingLogger } from '../reliability/fault-harness.js';

// The attempt loop's details seen from outside: counters, log lines, waits on the clock, error causes.
nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());
t.afterEach(() => nock.cleanAll());

const API = 'https://api.respond.io';
const TOKEN = 'tok_FAKE_loop_details_5e6f';
const networkError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

function client(logger = capturingLogger(), maxSingleWaitMs = 60_000, extra: { maxTotalWaitMs?: number; maxResponseBytes?: number } = {}) {
  const clock = new FakeClock({ autoAdvance: true });
  const { maxTotalWaitMs = 120_000, ...more } = extra;
  const api = createRespondIoClient({ token: TOKEN, baseUrl: `${API}/v2`, clock, random: () => 0.5, logger, pacing: false, retryPolicy: { maxAttempts: 5, maxSingleWaitMs, maxTotalWaitMs }, ...more });
  t.teardown(() => api.close());
  return { api, clock, logger, lines: () => logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

t.test('a 429 then a 200: one rate-limited answer counted, the retry logged with its fields', async (t) => {
  const { api, lines, clock } = client();
  const scope = nock(API).get('/v2/contact/id:1').reply(429, { message: 'slow down' }, { 'Retry-After': '2' }).get('/v2/contact/id:1').reply(200, { id: 1 });
  t.same(await api.getContact('id:1'), { id: 1 });
  scope.done();
  t.equal(api.stats().rateLimited, 1, 'only the 429 counts as rate-limited');
  t.same(clock.requested, [2000], 'the unpaced retry waited out the pause once, before it was admitted');
  t.equal(api.stats().rateLimitWaitMs, 2000, 'that wait is counted as rate-limit wait');
  const retried = lines().filter((line) => line.msg === 'respond.io call will be retried');
  t.equal(retried.length, 1, 'one retry logged');
  t.match(retried[0], { level: 'debug', endpoint: 'GET /contact/{identifier}', attempt: 1, reason: 'rate-limited', waitMs: 2000 }, 'the retry line names endpoint, attempt, reason, wait');
  t.match(String(retried[0]?.last), /429/, 'the last answer is named');
});

t.test('a 503 on an idempotent call waits on the clock (not in the budget), then succeeds', async (t) => {
  const { api, clock } = client();
  const scope = nock(API).get('/v2/contact/id:1').reply(503, { message: 'busy' }).get('/v2/contact/id:1').reply(200, { id: 1 });
  t.same(await api.getContact('id:1'), { id: 1 });
  scope.done();
  t.equal(clock.requested.length, 1, 'one sleep for the one retry');
  t.ok((clock.requested[0] ?? 0) > 0, 'a positive backoff was slept');
  t.equal(api.stats().rateLimited, 0, 'a 503 is not rate-limited');
});

t.test('a 300 answer is not a success', async (t) => {
  const { api } = client();
  const scope = nock(API).get('/v2/contact/id:1').reply(300, { message: 'multiple' });
  await t.rejects(api.getContact('id:1'), { code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 300 });
  scope.done();
});

t.test('a 401 is logged once as an error naming the endpoint and status, without the token', async (t) => {
  const { api, lines, logger } = client();
  const scope = nock(API).get('/v2/contact/id:1').reply(401, { message: 'bad token' });
  await t.rejects(api.getContact('id:1'), { code: 'RC_TOKEN_REJECTED' });
  scope.done();
  const errors = lines().filter((line) => line.level === 'error');
  t.equal(errors.length, 1);
  t.match(errors[0], { endpoint: 'GET /contact/{identifier}', status: 401, msg: /rejected the token: no further request/ });
  t.notOk(logger.lines.join('\n').includes(TOKEN), 'the token is never logged');
});

t.test('no response: the error keeps a scrubbed cause; giving up keeps the last error as cause', async (t) => {
  const { api } = client();
  const scope = nock(API).post('/v2/contact/id:1/tag').replyWithError(networkError('ECONNRESET', 'socket hang up'));
  const error = (await api.call({ method: 'POST', path: '/contact/{identifier}/tag', idempotent: false }, { params: { identifier: 'id:1' }, body: { tags: ['a'] } }).catch((e: unknown) => e)) as Error & { code?: string };
  scope.done();
  t.equal(error.code, 'RC_UPSTREAM_NO_RESPONSE');
  t.ok(error.cause instanceof Error, 'the network error is kept as cause');
  t.notOk(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause ?? {})).includes(TOKEN), 'the cause holds no token');

  const again = nock(API).get('/v2/contact/id:1').times(5).replyWithError(networkError('ECONNREFUSED', 'connect refused'));
  const gaveUp = (await api.getContact('id:1').catch((e: unknown) => e)) as Error & { code?: string };
  again.done();
  t.equal(gaveUp.code, 'RC_RETRY_BUDGET_EXHAUSTED');
  t.match(gaveUp.message, /no response \(ECONNREFUSED\)/, 'the last ending is named');
  t.match(gaveUp.cause, { code: 'RC_UPSTREAM_NO_RESPONSE' }, 'the last error is the cause');
});

t.test('an endpoint paused for longer than maxSingleWaitMs fails the next call at once, without a request', async (t) => {
  const { api } = client(capturingLogger(), 5000);
  const scope = nock(API).get('/v2/contact/id:1').reply(429, { message: 'slow down' }, { 'Retry-After': '10' });
  await t.rejects(api.getContact('id:1'), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429 }, 'the 429 itself: its wait is past the cap');
  scope.done();
  // No interceptor left: a request would fail as RC_UPSTREAM_NO_RESPONSE.
  await t.rejects(api.getContact('id:1'), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429, message: /GET \/contact\/\{identifier\} is paused by respond.io \(429 Retry-After\) for 10000 ms more, longer than retryPolicy.maxSingleWaitMs 5000/ });
  t.equal(api.stats().requests, 1, 'only the first call sent a request');
});

t.test('aborts: the message carries the reason; in flight, the transport error is kept as cause', async (t) => {
  const { api } = client();
  const before = new AbortController();
  before.abort('operator stop');
  const early = (await api.getContact('id:1', before.signal).catch((e: unknown) => e)) as Error & { code?: string };
  t.match(early, { code: 'RC_ABORTED', statusCode: 500, message: 'request cancelled: operator stop' });
  t.equal(early.cause, undefined, 'nothing was sent: no cause');

  const during = new AbortController();
  const scope = nock(API).get('/v2/contact/id:1').reply(() => {
    during.abort(new Error('row cancelled'));
    return [200, '{}'];
  });
  // Not idempotent: sent past the coalescer, straight through the loop.
  const late = (await api.call({ method: 'GET', path: '/contact/{identifier}', idempotent: false }, { params: { identifier: 'id:1' } }, { signal: during.signal }).catch((e: unknown) => e)) as Error & { code?: string };
  scope.done();
  t.match(late, { code: 'RC_ABORTED', statusCode: 500, message: 'request cancelled: row cancelled' });
  t.ok(late.cause instanceof Error, 'the transport error is the cause');
});

t.test('the waits of one call add up against maxTotalWaitMs', async (t) => {
  const { api } = client(capturingLogger(), 60_000, { maxTotalWaitMs: 3000 });
  const scope = nock(API).get('/v2/contact/id:1').times(2).reply(429, { message: 'slow down' }, { 'Retry-After': '2' });
  await t.rejects(api.getContact('id:1'), { code: 'RC_RETRY_BUDGET_EXHAUSTED', message: /waiting 2000 ms more would pass retryPolicy.maxTotalWaitMs 3000 \(2000 ms waited already\)/ });
  scope.done();
});

t.test('a body of exactly maxResponseBytes is accepted', async (t) => {
  const { api } = client(capturingLogger(), 60_000, { maxResponseBytes: 1024 });
  const body = JSON.stringify({ id: 1, n: 'a'.repeat(1024 - 15) });
  t.equal(body.length, 1024);
  const scope = nock(API).get('/v2/contact/id:1').reply(200, body, { 'Content-Type': 'application/json' });
  t.same(await api.getContact('id:1'), { id: 1, n: 'a'.repeat(1024 - 15) });
  scope.done();
});

t.test('a pause of exactly maxSingleWaitMs is waited out, not refused', async (t) => {
  const { api, clock } = client(capturingLogger(), 2000);
  const scope = nock(API).get('/v2/contact/id:1').reply(429, { message: 'slow down' }, { 'Retry-After': '2' }).get('/v2/contact/id:1').reply(200, { id: 1 });
  // The 429 pauses the endpoint for 2000 ms; the retry finds exactly that much left (the clock has not moved).
  t.same(await api.getContact('id:1'), { id: 1 }, 'the retry waited and was answered');
  scope.done();
  t.same(clock.requested, [2000], 'it slept the whole pause, once');
});

t.test('an abort while a paced call waits for its slot is the row\'s RC_ABORTED, with the reason', async (t) => {
  const clock = new FakeClock();
  const api = createRespondIoClient({ token: TOKEN, baseUrl: `${API}/v2`, clock, random: () => 0.5, logger: capturingLogger() });
  t.teardown(() => api.close());
  const scope = nock(API).get('/v2/contact/id:1').reply(200, { id: 1 });
  const first = clock.run(api.getContact('id:1'));
  t.same(await first, { id: 1 });
  scope.done();
  // At 10/s the next slot is 100 ms away on a clock that does not move: the call waits in the pacer.
  const waiting = new AbortController();
  // Not idempotent: past the coalescer (which makes its own RC_ABORTED), straight through the loop.
  const second = api.call({ method: 'GET', path: '/contact/{identifier}', idempotent: false }, { params: { identifier: 'id:2' } }, { signal: waiting.signal }).catch((e: unknown) => e);
  await clock.until(() => clock.pending > 0);
  waiting.abort(new Error('row cancelled'));
  const error = (await second) as Error & { code?: string; statusCode?: number };
  t.match(error, { code: 'RC_ABORTED', statusCode: 500, message: 'request cancelled: row cancelled' }, 'not the raw reason: a row error');
  t.equal(api.stats().requests, 1, 'the aborted call sent nothing');
});

t.test('unpaced: a 429 pause that begins while beforeSend runs is waited out before the send', async (t) => {
  const clock = new FakeClock({ autoAdvance: true });
  const rateBudget = new InProcessRateBudget(clock);
  const api = createRespondIoClient({ token: TOKEN, baseUrl: `${API}/v2`, clock, random: () => 0.5, logger: capturingLogger(), pacing: false, rateBudget });
  t.teardown(() => api.close());
  const endpoint = rateBudget.endpoint(organizationKey(TOKEN, `${API}/v2`), 'POST /contact/{identifier}/tag');
  let sentAt: number | undefined;
  const scope = nock(API).post('/v2/contact/id:1/tag').reply(() => ((sentAt = clock.now()), [200, '{}']));
  const admittedAt = clock.now();
  // Another row's 429 pauses the endpoint for 1500 ms just after this call was admitted (as its intent is recorded).
  await api.call({ method: 'POST', path: '/contact/{identifier}/tag', idempotent: false }, { params: { identifier: 'id:1' }, body: { tags: ['a'] } }, { beforeSend: () => endpoint.penalize(1500) });
  scope.done();
  t.same(clock.requested, [1500], 'the pause was slept once, at the last step before the send');
  t.equal(sentAt, admittedAt + 1500, 'the request left when the pause ended');
});

t.test('an abort during a backoff sleep ends the call at once as RC_ABORTED, without a second request', async (t) => {
  const clock = new FakeClock();
  const api = createRespondIoClient({ token: TOKEN, baseUrl: `${API}/v2`, clock, random: () => 0.5, logger: capturingLogger(), pacing: false });
  t.teardown(() => api.close());
  const scope = nock(API).get('/v2/contact/id:1').reply(503, { message: 'busy' });
  const stop = new AbortController();
  const call = api.call({ method: 'GET', path: '/contact/{identifier}', idempotent: true }, { params: { identifier: 'id:1' } }, { signal: stop.signal }).catch((e: unknown) => e);
  await clock.until(() => clock.pending > 0);
  scope.done();
  t.ok((clock.requested.at(-1) ?? 0) > 0, 'the 503 put the call in a backoff sleep');
  stop.abort(new Error('row cancelled'));
  t.match(await call, { code: 'RC_ABORTED', statusCode: 500, message: 'request cancelled: row cancelled' });
  t.equal(api.stats().requests, 1, 'no retry was sent');
});
