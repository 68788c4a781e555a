import nock from 'nock';
import t from 'tap';
import { WebhookClient, WebhookPayloadError } from '../../connectors/respond-io/webhook-client.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import { CHANNEL_ID, instantClock, MS, PHONE, TOKEN } from './fixtures.js';

nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());
t.afterEach(() => nock.cleanAll());

const RESPOND = 'https://app.respond.io';
const PATH = '/custom/channel/webhook/';
const message = { type: 'message' as const, mId: 'xcvzzxcxczxczxc', timestamp: MS, message: { type: 'text' as const, text: 'Hello World' } };
const input = { contactId: PHONE, events: [message] };

function client(extra: Partial<ConstructorParameters<typeof WebhookClient>[0]> = {}) {
  const clock = instantClock();
  const c = new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', clock, random: () => 0.5, retryPolicy: { maxAttempts: 4 }, ...extra });
  t.teardown(() => c.close());
  return { c, clock };
}

t.test('posts to the default webhook URL with the Bearer token and the channel id', async (t) => {
  const scope = nock(RESPOND, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } })
    .post(PATH, { channelId: CHANNEL_ID, contactId: PHONE, events: [message] })
    .reply(200, '"OK"');
  const { c } = client();
  t.same(await c.post(input), { statusCode: 200, attempts: 1, posted: ['xcvzzxcxczxczxc'], skipped: [] });
  scope.done();
});

// Send Event is `idempotent: false` (respond.io does not document that it de-duplicates mIds): only posts that were
// refused (429, 449) or never left (connection refused) are repeated; 5xx and resets are in test/respond-io/attempt-loop.test.ts.
t.test('retries 429 (Retry-After), 449 and a refused connection with the very same body (same mId)', async (t) => {
  const bodies: string[] = [];
  const keep = (body: unknown) => (bodies.push(JSON.stringify(body)), true);
  const scope = nock(RESPOND)
    .post(PATH, keep).reply(429, { error: { message: 'slow down' } }, { 'retry-after': '2' })
    .post(PATH, keep).reply(449, 'queued')
    .post(PATH, keep).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    .post(PATH, keep).reply(200, '"OK"');
  const { c, clock } = client();
  const result = await c.post(input);
  scope.done();
  t.equal(result.attempts, 4);
  t.equal(new Set(bodies).size, 1, 'every attempt sent the same bytes');
  t.match(bodies[0], /"mId":"xcvzzxcxczxczxc"/);
  t.equal(clock.sleeps[0], 2000, "the first wait is respond.io's Retry-After");
  t.match(c.stats(), { requests: 4, retries: 3, rateLimited: 1, rateLimitWaitMs: 2000 });
});

t.test('an accepted event is never posted twice; receipts of the same mId are other events', async (t) => {
  const scope = nock(RESPOND).post(PATH).times(2).reply(200, '"OK"');
  const { c } = client();
  await c.post(input);
  const again = await c.post(input);
  t.same(again, { statusCode: 200, attempts: 0, posted: [], skipped: ['xcvzzxcxczxczxc'] }, 'the resend is not posted');
  const receipt = { type: 'message_status' as const, mId: message.mId, timestamp: MS + 1, status: { value: 'delivered' as const } };
  const mixed = await c.post({ contactId: PHONE, events: [message, receipt] });
  t.same(mixed.posted, [message.mId], 'only the receipt went out');
  t.same(mixed.skipped, [message.mId]);
  scope.done();
});

t.test('two concurrent posts of one event: one request', async (t) => {
  const scope = nock(RESPOND).post(PATH).delay(20).reply(200, '"OK"');
  const { c } = client();
  const [a, b] = await Promise.all([c.post(input), c.post(input)]);
  t.same([a.posted.length, b.posted.length].sort(), [0, 1]);
  scope.done();
});

t.test('a failed post is not remembered: the next call posts it again', async (t) => {
  const scope = nock(RESPOND).post(PATH).reply(400, { error: { message: 'contact blocked' } }).post(PATH).reply(200, '"OK"');
  const { c } = client();
  const error = await c.post(input).catch((e: unknown) => e);
  t.type(error, RowError);
  t.match(error, { code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 400, message: /HTTP 400 Bad Request: contact blocked/ });
  t.equal((await c.post(input)).posted.length, 1);
  scope.done();
});

t.test('invalid payloads are refused before anything is sent', async (t) => {
  const { c } = client();
  const error = await c.post({ contactId: PHONE, events: [{ ...message, timestamp: 1700000000 }] }).catch((e: unknown) => e);
  t.type(error, WebhookPayloadError);
  t.match(error, { code: 'RC_INVALID_INPUT_ROW', statusCode: 400, message: /events\[0\]\.timestamp must be Unix epoch milliseconds/ });
  t.equal(c.stats().requests, 0, 'no request (disableNetConnect would have failed one anyway)');
});

t.test('401 stops the run (RC_TOKEN_REJECTED), 403 fails the row; 5xx/resets are not repeated; gave-up retries keep the last status; no token in any error', async (t) => {
  const echo = `bad token ${TOKEN}`;
  const cases: Array<[string, () => nock.Scope, object]> = [
    ['401', () => nock(RESPOND).post(PATH).reply(401, { error: { message: echo } }), { code: 'RC_TOKEN_REJECTED' }],
    // 403 can mean "no permission on this one resource": one row's error, as on the API client.
    ['403', () => nock(RESPOND).post(PATH).reply(403, echo), { name: 'RowError', code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 403 }],
    ['503 once', () => nock(RESPOND).post(PATH).reply(503, echo), { code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 503 }],
    ['reset once', () => nock(RESPOND).post(PATH).replyWithError(Object.assign(new Error(`reset ${TOKEN}`), { code: 'ECONNRESET' })), { code: 'RC_UPSTREAM_NO_RESPONSE', statusCode: 500 }],
    ['429 × 4', () => nock(RESPOND).post(PATH).times(4).reply(429, echo), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429, message: /gave up after HTTP 429 Too Many Requests: 4 attempts made.*last error: HTTP 429/ }],
    ['Retry-After too long', () => nock(RESPOND).post(PATH).reply(429, echo, { 'retry-after': '3600' }), { code: 'RC_RETRY_BUDGET_EXHAUSTED', statusCode: 429 }],
  ];
  for (const [name, mock, expected] of cases) {
    const scope = mock();
    const { c } = client();
    const error = await c.post(input).catch((e: unknown) => e);
    t.match(error, expected, name);
    if (name === '401') t.type(error, ConfigurationError);
    t.notMatch((error as Error).message, TOKEN, `${name}: token not in the message`);
    t.notMatch(JSON.stringify(error), TOKEN, `${name}: token not in the serialised error`);
    scope.done();
  }
});

t.test('a configurable webhook URL; options checked at creation', async (t) => {
  const scope = nock('https://webhook.respond.io').post(PATH).reply(200, 'OK');
  const { c } = client({ webhookUrl: `https://webhook.respond.io${PATH}` });
  t.equal((await c.post(input)).statusCode, 200);
  scope.done();
  t.throws(() => new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', webhookUrl: 'nope' }), { code: 'RC_INVALID_CONNECTION' });
  t.throws(() => new WebhookClient({ channelId: CHANNEL_ID, apiToken: '', idType: 'Phone Number' }), { code: 'RC_INVALID_CONNECTION' });
  t.throws(() => new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', timeoutMs: 0 }), { code: 'RC_INVALID_OPTION' });
  t.throws(() => new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', retryPolicy: { maxAttempts: 0 } }), { code: 'RC_INVALID_OPTION' });
});
