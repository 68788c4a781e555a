import nock from 'nock';
import t from 'tap';
import { api, BASE_URL, contactBody, failure, messageBody, notFound, testClient, TOKEN } from './fixtures.js';

// Every status path through the real client: URL building, got, retries, error mapping. nock is the network.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());

/** Where the token shows up in an error or the logs (expected: nowhere). Enumerable properties hold no request options. */
function leaks(error: unknown, logs: unknown[] = []): string[] {
  const found: string[] = [];
  if (String((error as Error).message).includes(TOKEN)) found.push('message');
  if (JSON.stringify(error).includes(TOKEN)) found.push('JSON.stringify(error)');
  if (Object.keys(error as object).includes('options')) found.push('enumerable request options');
  if (JSON.stringify(logs).includes(TOKEN)) found.push('logs');
  return found;
}
// An Error instance, not a plain `{ code }` object: with a plain object nock emits a non-Error and got 14 never
// settles the request (only its timeout ends it), which would test nock, not the client.
const resetError = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

t.test('200: sends the bearer token, user-agent and JSON accept; returns the raw body', async (t) => {
  const scope = api()
    .matchHeader('authorization', `Bearer ${TOKEN}`)
    .matchHeader('user-agent', /^respondio-connectors\/\d+\.\d+\.\d+/)
    .get('/v2/contact/id:12345')
    .reply(200, contactBody, { 'content-type': 'application/json' });
  const { client } = testClient();
  t.same(await client.getContact('id:12345'), contactBody);
  t.same(client.stats(), { requests: 1, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, rateLimitWaitRowMs: 0, byStatus: { 200: 1 } });
  scope.done();
});

t.test('identifier values are URL-encoded in the path', async (t) => {
  const scope = api()
    .get('/v2/contact/phone:%2B60123456789').reply(200, contactBody)
    .get('/v2/contact/email:john%40example.com').reply(200, contactBody)
    .get('/v2/contact/phone:%2B60123456789/message/1262965213').reply(200, messageBody);
  const { client } = testClient();
  await client.getContact('phone:+60123456789');
  await client.getContact('email:john@example.com');
  t.same(await client.getMessage('phone:+60123456789', '1262965213'), messageBody);
  scope.done();
});

t.test('bad identifiers and message ids are answered locally: 400, no request at all', async (t) => {
  // No interceptor: a request would fail with ENETUNREACH (disableNetConnect) and be counted in stats.
  const { client } = testClient();
  for (const bad of ['id:abc', 'name:john', 'id:1/../2', 'phone:+60\r\n', '']) {
    const error = await failure(client.getContact(bad));
    t.match(error, { code: 'RC_INVALID_IDENTIFIER', statusCode: 400, message: /^Identifier / }, JSON.stringify(bad));
  }
  t.match(await failure(client.getMessage('id:1', '0')), { code: 'RC_INVALID_INPUT_ROW', statusCode: 400, message: /MessageID/ });
  t.match(await failure(client.getMessage('id:x', '5')), { code: 'RC_INVALID_IDENTIFIER' }, 'the identifier is checked first');
  t.equal(client.stats().requests, 0);
});

t.test('400 / 403 / 404 / 500: one request, StatusCode = status, Message = body.message', async (t) => {
  const scope = api()
    .get('/v2/contact/email:bad%40x.io').reply(400, { code: 400, message: 'Contact email is invalid' })
    .get('/v2/contact/id:2').reply(403, { code: 403, message: 'You do not have permission to access this contact' })
    .get('/v2/contact/id:3').reply(404, notFound)
    .get('/v2/contact/id:4/message/99').reply(404, { code: 404, message: 'Message not found' })
    .get('/v2/contact/id:5').reply(500, { code: 500, message: 'Internal server error' })
    .get('/v2/contact/id:6').reply(200, contactBody);
  const { client, logs } = testClient();
  const cases: [() => Promise<unknown>, number, string][] = [
    [() => client.getContact('email:bad@x.io'), 400, 'Contact email is invalid'],
    [() => client.getContact('id:2'), 403, 'You do not have permission to access this contact'],
    [() => client.getContact('id:3'), 404, 'Contact not found'],
    [() => client.getMessage('id:4', '99'), 404, 'Message not found'],
    [() => client.getContact('id:5'), 500, 'Internal server error'],
  ];
  for (const [call, statusCode, message] of cases) {
    const error = await failure(call());
    t.match(error, { name: 'RowError', code: 'RC_UPSTREAM_HTTP_ERROR', statusCode, message });
    t.same(leaks(error, logs), [], 'the token leaks nowhere');
  }
  t.ok(await client.getContact('id:6'), 'a 403 is not latched: the next row is requested');
  // Five calls on GET /contact/{identifier} one after the other: still spaced 100 ms apart (10/s), hence 400 ms.
  t.same(client.stats(), { requests: 6, retries: 0, rateLimited: 0, rateLimitWaitMs: 400, rateLimitWaitRowMs: 400, byStatus: { 200: 1, 400: 1, 403: 1, 404: 2, 500: 1 } }, 'no retry for 4xx or 500');
  scope.done();
});

t.test('401: ConfigurationError RC_TOKEN_REJECTED, latched: later calls make no request', async (t) => {
  const scope = api().get('/v2/contact/id:1').reply(401, { code: 401, message: 'Unauthorized' });
  const { client, logs } = testClient();
  const first = await failure(client.getContact('id:1'));
  t.match(first, { name: 'ConfigurationError', code: 'RC_TOKEN_REJECTED', message: 'respond.io rejected the token (401): Unauthorized' });
  scope.done();
  // No interceptor left: had the client sent anything, nock would have refused it with a network error.
  const second = await failure(client.getMessage('id:2', '3'));
  t.match(second, { name: 'ConfigurationError', code: 'RC_TOKEN_REJECTED', message: 'respond.io rejected the token (401): Unauthorized' });
  t.equal(client.stats().requests, 1);
  t.same(leaks(first, logs), [], 'the token leaks nowhere');
  t.ok(logs.some((line) => (line as { level: string }).level === 'error'), 'the rejection is logged');
});

t.test('429 then 200: waits Retry-After (seconds), counted as rate-limit wait', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').reply(429, { code: 429, message: 'Too many requests' }, { 'retry-after': '3', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0' })
    .get('/v2/contact/id:1').reply(200, contactBody);
  const { client } = testClient();
  t.same(await client.getContact('id:1'), contactBody);
  t.same(client.stats(), { requests: 2, retries: 1, rateLimited: 1, rateLimitWaitMs: 3000, rateLimitWaitRowMs: 3000, byStatus: { 200: 1, 429: 1 } });
  scope.done();
});

t.test('429 then 200: Retry-After as an HTTP-date, read against the injected wall clock', async (t) => {
  const wall = Date.UTC(2024, 0, 15, 10, 0, 0);
  const scope = api()
    .get('/v2/contact/id:1').reply(429, { code: 429, message: 'Too many requests' }, { 'retry-after': new Date(wall + 5000).toUTCString() })
    .get('/v2/contact/id:1').reply(200, contactBody);
  const { client } = testClient({ wallClock: () => wall });
  await client.getContact('id:1');
  t.equal(client.stats().rateLimitWaitMs, 5000);
  scope.done();
});

t.test('429 without Retry-After waits the 1 s default; one longer than the cap ends the row with 429', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').reply(429, { code: 429, message: 'Too many requests' })
    .get('/v2/contact/id:1').reply(200, contactBody)
    .get('/v2/contact/id:2').reply(429, { code: 429, message: 'Too many requests' }, { 'retry-after': '120' });
  const { client } = testClient();
  await client.getContact('id:1');
  t.equal(client.stats().rateLimitWaitMs, 1000);
  const error = await failure(client.getContact('id:2'));
  t.match(error, { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429, message: /next wait of 120000 ms exceeds retryPolicy.maxSingleWaitMs 60000.*Too many requests/ });
  scope.done();
});

t.test('449 then 200: a delayed retry (resource still being created)', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').reply(449, { code: 449, message: "Your request cannot be processed at the moment as it's in the queue" })
    .get('/v2/contact/id:1').reply(200, contactBody);
  const { client, clock } = testClient();
  await client.getContact('id:1');
  t.ok(clock.requested.includes(2000), 'waited the first 449 delay, 2 s');
  t.same(client.stats(), { requests: 2, retries: 1, rateLimited: 0, rateLimitWaitMs: 0, rateLimitWaitRowMs: 0, byStatus: { 200: 1, 449: 1 } });
  scope.done();
});

t.test('503 then 200 on a GET: backoff with full jitter, then success', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').reply(503, 'Service Unavailable')
    .get('/v2/contact/id:1').reply(200, contactBody);
  const { client, clock } = testClient();
  await client.getContact('id:1');
  t.ok(clock.requested.includes(250), 'random 0.5 × 500 ms base');
  t.same(client.stats(), { requests: 2, retries: 1, rateLimited: 0, rateLimitWaitMs: 0, rateLimitWaitRowMs: 0, byStatus: { 200: 1, 503: 1 } });
  scope.done();
});

t.test('502 with an HTML body, every attempt: budget exhausted, last status 502, the HTML text as message', async (t) => {
  const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
  const scope = api().get('/v2/contact/id:1').times(3).reply(502, html, { 'content-type': 'text/html' });
  const { client } = testClient({ retryPolicy: { maxAttempts: 3 } });
  const error = await failure(client.getContact('id:1'));
  t.match(error, { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 502, message: /gave up after HTTP 502 Bad Gateway: 3 attempts made/ });
  t.match(error.message, '<html> <head><title>502 Bad Gateway</title></head> <body>', 'raw text, on one line');
  t.same(client.stats(), { requests: 3, retries: 2, rateLimited: 0, rateLimitWaitMs: 0, rateLimitWaitRowMs: 0, byStatus: { 502: 3 } });
  scope.done();
});

t.test('non-retried 5xx on a POST; an empty body is named as such', async (t) => {
  const scope = api().post('/v2/contact/list', { search: '' }).reply(502, '');
  const { client } = testClient();
  const error = await failure(client.request('POST /contact/list', { body: { search: '' } }));
  t.match(error, { code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 502, message: 'HTTP 502 Bad Gateway with an empty body' });
  t.equal(client.stats().requests, 1, 'a POST is not retried on 502: it may have been processed');
  scope.done();
});

t.test('timeout: retried on a GET; on a POST (or with no retry) a 500 naming the cause and endpoint', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').delay(1500).reply(200, contactBody)
    .get('/v2/contact/id:1').reply(200, contactBody)
    .post('/v2/contact/list').delay(1500).reply(200, { items: [] });
  // Real time here (got's own timer), but no assertion on it: generous enough that a loaded machine still answers
  // the undelayed reply in time.
  const { client, logs } = testClient({ timeoutMs: 250 });
  t.same(await client.getContact('id:1'), contactBody, 'the GET retried after its timeout');
  t.equal(client.stats().retries, 1);
  const error = await failure(client.request('POST /contact/list', { body: {} }));
  t.match(error, { name: 'RowError', code: 'RC_UPSTREAM_NO_RESPONSE', statusCode: 500, message: 'no response from respond.io on POST /contact/list: timeout after 250 ms' });
  t.same(leaks(error, logs), [], 'the token leaks nowhere');
  t.ok((error as { cause?: unknown }).cause, 'the got error is kept as cause');
  t.notOk(Object.keys(error).includes('cause'), '…non-enumerable');
  scope.done();
});

t.test('connection reset: retried on a GET; a 500 naming ECONNRESET when not retried', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').replyWithError(resetError())
    .get('/v2/contact/id:1').reply(200, contactBody)
    .get('/v2/contact/id:2').replyWithError(resetError());
  const { client } = testClient();
  await client.getContact('id:1');
  t.equal(client.stats().retries, 1);
  const { client: noRetry, logs } = testClient({ retryPolicy: { transientErrorCodes: [] } });
  const error = await failure(noRetry.getContact('id:2'));
  t.match(error, { code: 'RC_UPSTREAM_NO_RESPONSE', statusCode: 500, message: 'no response from respond.io on GET /contact/{identifier}: connection reset (ECONNRESET)' });
  t.same(leaks(error, logs), [], 'the token leaks nowhere');
  scope.done();
});

t.test('DNS failure is not retried and is named', async (t) => {
  const scope = api().get('/v2/contact/id:1').replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND api.respond.io'), { code: 'ENOTFOUND' }));
  const { client } = testClient();
  t.match(await failure(client.getContact('id:1')), { code: 'RC_UPSTREAM_NO_RESPONSE', statusCode: 500, message: /DNS lookup failed \(ENOTFOUND\)/ });
  t.equal(client.stats().requests, 1);
  scope.done();
});

t.test('2xx with a malformed or non-object body: RC_UPSTREAM_BAD_BODY 500', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').reply(200, '{"id": 12345, "firstName": "Jo', { 'content-type': 'application/json' })
    .get('/v2/contact/id:2').reply(200, [contactBody])
    .get('/v2/contact/id:3').reply(200, '');
  const { client } = testClient();
  t.match(await failure(client.getContact('id:1')), { code: 'RC_UPSTREAM_BAD_BODY', statusCode: 500, message: /answered 200 on GET \/contact\/\{identifier\} with a body that is not valid JSON/ });
  t.match(await failure(client.getContact('id:2')), { code: 'RC_UPSTREAM_BAD_BODY', message: /got an array/ });
  t.match(await failure(client.getContact('id:3')), { code: 'RC_UPSTREAM_BAD_BODY', message: /got an empty body/ });
  scope.done();
});

t.test('an upstream body echoing the token is redacted from the message', async (t) => {
  const scope = api().get('/v2/contact/id:1').reply(400, { message: `Invalid header: Bearer ${TOKEN}` });
  const { client } = testClient();
  const error = await failure(client.getContact('id:1'));
  t.equal(error.message, 'Invalid header: Bearer [REDACTED]');
  scope.done();
});

t.test('generic request(): query, body, template check', async (t) => {
  const scope = api()
    .post('/v2/contact/list', { search: 'jo', filter: { $and: [] } }).query({ limit: '99', cursorId: '42' })
    .reply(200, { items: [contactBody], pagination: { next: `${BASE_URL}/contact/list?cursorId=43`, previous: '' } });
  const { client } = testClient();
  const page = await client.request<{ items: unknown[] }>('POST /contact/list', { query: { limit: 99, cursorId: 42 }, body: { search: 'jo', filter: { $and: [] } } });
  t.equal(page.items.length, 1);
  await t.rejects(client.request('GET /space/user/{id}', { path: '/space/channel' }), { code: 'RC_INVALID_OPTION', message: /does not fit the endpoint template/ });
  await t.rejects(client.request('FETCH /x'), { code: 'RC_INVALID_OPTION' });
  scope.done();
});

t.test('an aborted call rejects with RC_ABORTED', async (t) => {
  // The abort comes as the request reaches the server (nock's 'request' event), while the answer is held back.
  const scope = api().get('/v2/contact/id:1').delay(200).reply(200, contactBody);
  const controller = new AbortController();
  scope.on('request', () => controller.abort(new Error('run cancelled')));
  const { client } = testClient();
  const call = client.getContact('id:1', controller.signal);
  t.match(await failure(call), { code: 'RC_ABORTED', message: /run cancelled/ });
  scope.done();
});
