import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import t from 'tap';
import { createRespondIoClient, type RespondIoEndpoint } from '../../connectors/respond-io/client.js';
import { classifyAttempt, OUTCOME_TABLE, outcomeOf, type AttemptClass, type AttemptEnding, type Outcome } from '../../connectors/respond-io/outcome-table.js';
import { defaultRetryPolicy } from '../../connectors/respond-io/retry-policy.js';
import { WebhookClient } from '../../connectors/respond-io/webhook-client.js';
import { FakeClock } from '../helpers/fake-clock.js';

// The one attempt loop, seen through BOTH clients: the same table, the same errors, the same accounting.
nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());
t.afterEach(() => nock.cleanAll());

const transient = { statusCodes: defaultRetryPolicy.transientStatusCodes, errorCodes: defaultRetryPolicy.transientErrorCodes };
const net = (code: string): AttemptEnding => ({ kind: 'network', code });
const status = (code: number): AttemptEnding => ({ kind: 'status', status: code });

t.test('the outcome table, row by row, for idempotent and non-idempotent endpoints', async (t) => {
  const rows: Array<[AttemptEnding, AttemptClass, Outcome, Outcome]> = [
    [status(200), '2xx', 'success', 'success'],
    [status(204), '2xx', 'success', 'success'],
    [status(299), '2xx', 'success', 'success'],
    [status(300), 'other-status', 'row-error', 'row-error'],
    [status(199), 'other-status', 'row-error', 'row-error'],
    [status(401), '401', 'token-rejected', 'token-rejected'],
    [status(429), '429', 'pause-endpoint', 'pause-endpoint'],
    [status(449), '449', 'retry', 'retry'],
    [status(503), 'transient-status', 'retry', 'row-error'],
    [status(502), 'transient-status', 'retry', 'row-error'],
    [status(403), 'other-status', 'row-error', 'row-error'],
    [status(500), 'other-status', 'row-error', 'row-error'],
    [status(404), 'other-status', 'row-error', 'row-error'],
    [net('ETIMEDOUT'), 'network-maybe-sent', 'retry', 'row-error'],
    [net('ECONNRESET'), 'network-maybe-sent', 'retry', 'row-error'],
    [net('ECONNREFUSED'), 'network-not-sent', 'retry', 'retry'],
    [net('EAI_AGAIN'), 'network-not-sent', 'retry', 'retry'],
    [net('ENOTFOUND'), 'network-other', 'row-error', 'row-error'],
  ];
  for (const [ending, expectedClass, idempotent, notIdempotent] of rows) {
    const name = ending.kind === 'status' ? String(ending.status) : ending.code;
    const attemptClass = classifyAttempt(ending, transient);
    t.equal(attemptClass, expectedClass, `${name} → ${expectedClass}`);
    t.equal(outcomeOf(attemptClass, true), idempotent, `${name}, idempotent → ${idempotent}`);
    t.equal(outcomeOf(attemptClass, false), notIdempotent, `${name}, not idempotent → ${notIdempotent}`);
  }
  t.same(new Set(rows.map((row) => row[1])), new Set(Object.keys(OUTCOME_TABLE)), 'every row of the table is exercised');
  t.equal(classifyAttempt(net('ENOTFOUND'), { ...transient, errorCodes: ['ENOTFOUND'] }), 'network-not-sent', 'a DNS failure, once listed as transient, provably never sent');
});

// ---- the two clients behind one interface ------------------------------------------------------------------------

const API_TOKEN = 'tok_FAKE_attempt_loop_api_1f2e';
const HOOK_TOKEN = 'tok_FAKE_attempt_loop_hook_9a8b';
const API = 'https://api.respond.io';
const HOOK = 'https://app.respond.io';
const HOOK_PATH = '/custom/channel/webhook/';
const event = { contactId: '+60177872890', events: [{ type: 'message' as const, mId: 'm-1', timestamp: 2132131321000, message: { type: 'text' as const, text: 'hi' } }] };

interface Subject {
  name: string;
  /** nock interceptor for the call's request. */
  intercept(): nock.Interceptor;
  /** One call (a fresh mId each time for the webhook, so its ledger never skips one). */
  call(context?: { signal?: AbortSignal; beforeSend?: () => Promise<void> }): Promise<unknown>;
  stats(): { requests: number; retries: number; byStatus?: Record<string, number> };
}

let mIds = 0;

function subject(kind: 'api' | 'webhook', idempotent: boolean, extra: { timeoutMs?: number; maxResponseBytes?: number } = {}): Subject {
  const clock = new FakeClock({ autoAdvance: true });
  const common = { clock, random: () => 0.5, retryPolicy: { maxAttempts: 3 }, ...extra };
  if (kind === 'api') {
    const endpoint: RespondIoEndpoint = { method: idempotent ? 'GET' : 'POST', path: '/contact/{identifier}', idempotent };
    const client = createRespondIoClient({ token: API_TOKEN, baseUrl: `${API}/v2`, pacing: false, ...common });
    t.teardown(() => client.close());
    return {
      name: `API client (${idempotent ? 'idempotent' : 'not idempotent'})`,
      intercept: () => (idempotent ? nock(API).get('/v2/contact/id:1') : nock(API).post('/v2/contact/id:1')),
      call: (context = {}) => client.call(endpoint, { params: { identifier: 'id:1' }, ...(idempotent ? {} : { body: {} }) }, context),
      stats: () => client.stats(),
    };
  }
  const client = new WebhookClient({ channelId: 'gfd8g7fd89dgfd', apiToken: HOOK_TOKEN, idType: 'Phone Number', idempotent, ...common });
  t.teardown(() => client.close());
  return {
    name: `webhook client (${idempotent ? 'idempotent' : 'not idempotent'})`,
    intercept: () => nock(HOOK).post(HOOK_PATH),
    call: (context = {}) => client.post({ ...event, events: [{ ...event.events[0]!, mId: `m-${++mIds}` }] }, context),
    stats: () => client.stats(),
  };
}

const both = (idempotent: boolean, extra: { timeoutMs?: number; maxResponseBytes?: number } = {}): Subject[] => [subject('api', idempotent, extra), subject('webhook', idempotent, extra)];

/** Queues answers for the subject's request, in order; `done()` checks every one was used. */
function answers(s: Subject, ...replies: Array<(interceptor: nock.Interceptor) => nock.Scope>): { done(): void } {
  const scopes = replies.map((reply) => reply(s.intercept()));
  return { done: () => scopes.forEach((scope) => scope.done()) };
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; statusCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; statusCode?: number };
  }
  throw new Error('expected a rejection');
}

t.test('an aborted call: RC_ABORTED with StatusCode 500 on both clients (in flight and before sending)', async (t) => {
  for (const s of both(true)) {
    const controller = new AbortController();
    // The abort comes while the request is at the server; the answer is held back until after it.
    const scope = s.intercept().delay(500).reply(() => {
      controller.abort(new Error('run cancelled'));
      return [200, '{}'];
    });
    t.match(await failure(s.call({ signal: controller.signal })), { name: 'RowError', code: 'RC_ABORTED', statusCode: 500, message: /run cancelled/ }, `${s.name}: in flight`);
    scope.done();
    const before = new AbortController();
    before.abort(new Error('stopped early'));
    t.match(await failure(s.call({ signal: before.signal })), { code: 'RC_ABORTED', statusCode: 500 }, `${s.name}: before sending`);
    t.equal(s.stats().requests, 1, `${s.name}: the early abort sent nothing`);
  }
});

t.test('401 latches on both clients: RC_TOKEN_REJECTED, then no request with that token; 403 is a row error', async (t) => {
  for (const s of both(true)) {
    const scope = answers(s, (i) => i.reply(403, { message: 'no permission on this contact' }), (i) => i.reply(401, { message: 'Unauthorized' }));
    t.match(await failure(s.call()), { name: 'RowError', code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 403 }, `${s.name}: 403 fails the row only`);
    t.match(await failure(s.call()), { name: 'ConfigurationError', code: 'RC_TOKEN_REJECTED', message: /\(401\)/ }, `${s.name}: 401`);
    scope.done();
    // No interceptor is left: a request would fail as a network error, not as RC_TOKEN_REJECTED.
    t.match(await failure(s.call()), { name: 'ConfigurationError', code: 'RC_TOKEN_REJECTED' }, `${s.name}: latched`);
    t.same({ requests: s.stats().requests, byStatus: s.stats().byStatus }, { requests: 2, byStatus: { 401: 1, 403: 1 } }, `${s.name}: two requests in all`);
  }
});

t.test('503: retried when the endpoint is idempotent, one request and the 503 when not (both clients)', async (t) => {
  for (const s of both(true)) {
    const scope = answers(s, (i) => i.reply(503, 'unavailable'), (i) => i.reply(200, '{}'));
    await s.call();
    scope.done();
    t.match(s.stats(), { requests: 2, retries: 1, byStatus: { 503: 1, 200: 1 } }, s.name);
  }
  for (const s of both(false)) {
    const scope = answers(s, (i) => i.reply(503, 'unavailable'));
    t.match(await failure(s.call()), { code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 503 }, s.name);
    scope.done();
    t.match(s.stats(), { requests: 1, retries: 0 }, `${s.name}: not repeated`);
  }
});

t.test('timeout: retried when idempotent, a 500 RC_UPSTREAM_NO_RESPONSE after one request when not (both clients)', async (t) => {
  // got's own timer runs on real time; the held-back answer is far past it, the verdict does not depend on timing.
  for (const s of both(true, { timeoutMs: 500 })) {
    const scope = answers(s, (i) => i.delay(5000).reply(200, '{}'), (i) => i.reply(200, '{}'));
    await s.call();
    scope.done();
    t.match(s.stats(), { requests: 2, retries: 1, byStatus: { none: 1, 200: 1 } }, s.name);
  }
  for (const s of both(false, { timeoutMs: 500 })) {
    const scope = answers(s, (i) => i.delay(5000).reply(200, '{}'));
    t.match(await failure(s.call()), { code: 'RC_UPSTREAM_NO_RESPONSE', statusCode: 500, message: /timeout after 500 ms/ }, s.name);
    scope.done();
    t.match(s.stats(), { requests: 1, retries: 0 }, `${s.name}: not repeated`);
  }
});

t.test('giving up wraps the last error the same way on both clients', async (t) => {
  for (const s of both(true)) {
    const scope = answers(s, (i) => i.times(3).reply(502, 'bad gateway'));
    t.match(await failure(s.call()), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 502, message: /gave up after HTTP 502 Bad Gateway: 3 attempts made \(retryPolicy.maxAttempts 3\); last error: .*bad gateway/ }, s.name);
    scope.done();
  }
});

t.test('beforeSend: once per attempt, right before the request leaves; never for an idempotent endpoint', async (t) => {
  for (const s of both(false)) {
    const order: string[] = [];
    const scope = answers(s, (i) => i.reply(() => (order.push('request'), [429, '{}', { 'retry-after': '1' }])), (i) => i.reply(() => (order.push('request'), [200, '{}'])));
    await s.call({ beforeSend: async () => void order.push('beforeSend') });
    scope.done();
    t.same(order, ['beforeSend', 'request', 'beforeSend', 'request'], s.name);
  }
  for (const s of both(true)) {
    let calls = 0;
    const scope = answers(s, (i) => i.reply(503, '{}'), (i) => i.reply(200, '{}'));
    await s.call({ beforeSend: async () => void (calls += 1) });
    scope.done();
    t.equal(calls, 0, `${s.name}: never called`);
  }
  const [api] = both(false);
  const refused = new Error('checkpoint store is down');
  t.equal(await failure(api!.call({ beforeSend: () => Promise.reject(refused) })), refused, 'a failing beforeSend stops the call before any request');
  t.equal(api!.stats().requests, 0);
});

t.test('response size cap: RC_UPSTREAM_BAD_BODY naming the cap, not retried, also when Content-Length announces it (both clients)', async (t) => {
  for (const s of both(true, { maxResponseBytes: 1024 })) {
    const scope = answers(s, (i) => i.reply(200, { text: 'a'.repeat(4096) }));
    t.match(await failure(s.call()), { name: 'RowError', code: 'RC_UPSTREAM_BAD_BODY', statusCode: 500, message: /passed the response size cap of 1024 bytes \(maxResponseBytes/ }, `${s.name}: a 4 KiB body`);
    scope.done();
    const lying = answers(s, (i) => i.reply(200, '{}', { 'content-length': String(500 * 1024 * 1024) }));
    t.match(await failure(s.call()), { code: 'RC_UPSTREAM_BAD_BODY', message: /size cap of 1024 bytes \(maxResponseBytes; 524288000 bytes or more\)/ }, `${s.name}: a Content-Length past the cap`);
    lying.done();
    t.match(s.stats(), { requests: 2, retries: 0, byStatus: { 200: 2 } }, `${s.name}: not retried`);
  }
  const [small] = both(true, { maxResponseBytes: 1024 });
  const scope = answers(small!, (i) => i.reply(200, { id: 1, text: 'x'.repeat(900) }));
  t.ok(await small!.call(), 'a body under the cap passes');
  scope.done();
});

t.test('a body that never ends is cut off at the cap: a real loopback server writes until the client hangs up (both clients)', async (t) => {
  let hungUp = 0;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let open = true;
    const pump = (): void => {
      while (open && response.write(chunk));
    };
    response.on('drain', pump);
    response.on('close', () => {
      open = false;
      hungUp += 1;
    });
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  nock.enableNetConnect('127.0.0.1');
  t.teardown(() => nock.disableNetConnect());
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clock = new FakeClock({ autoAdvance: true });
  const api = createRespondIoClient({ token: API_TOKEN, baseUrl: `${origin}/v2`, clock, maxResponseBytes: 64 * 1024 });
  const hook = new WebhookClient({ channelId: 'gfd8g7fd89dgfd', apiToken: HOOK_TOKEN, idType: 'Phone Number', webhookUrl: `${origin}/hook`, clock, maxResponseBytes: 64 * 1024 });
  t.teardown(() => (api.close(), hook.close()));
  t.match(await failure(api.getContact('id:1')), { code: 'RC_UPSTREAM_BAD_BODY', message: /size cap of 65536 bytes/ }, 'API client');
  t.match(await failure(hook.post(event)), { code: 'RC_UPSTREAM_BAD_BODY', message: /size cap of 65536 bytes/ }, 'webhook client');
  await new Promise<void>((resolve) => {
    const check = (): void => (hungUp >= 2 ? resolve() : void setImmediate(check));
    check();
  });
  t.equal(hungUp, 2, 'the server saw both requests end: the endless bodies were not read on');
});
