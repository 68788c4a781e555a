import nock from 'nock';
import t from 'tap';
import { ProviderFailure } from '../../custom-channel/adapter.js';
import { createForwardAdapter } from '../../custom-channel/forward-adapter.js';
import { buildCustomChannelServer } from '../../custom-channel/server.js';
import { silentLogger } from '../../runtime/logger.js';
import { CHANNEL_ID, PHONE, TOKEN } from './fixtures.js';

nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());
t.afterEach(() => nock.cleanAll());

const PROVIDER = 'https://provider.example';
const PROVIDER_KEY = 'provider-secret-key-123';
const body = { channelId: CHANNEL_ID, contactId: PHONE, message: { type: 'text' as const, text: 'Hello World' } as { type: 'text' } };
const context = { signal: new AbortController().signal, logger: silentLogger };
const adapter = (extra: Partial<Parameters<typeof createForwardAdapter>[0]> = {}) =>
  createForwardAdapter({ url: `${PROVIDER}/send`, headers: { authorization: `Bearer ${PROVIDER_KEY}` }, retryDelayMs: () => 0, timeoutMs: 2000, ...extra });

t.test('posts the message with the provider headers and answers its id', async (t) => {
  const scope = nock(PROVIDER, { reqheaders: { authorization: `Bearer ${PROVIDER_KEY}` } })
    .post('/send', body)
    .reply(200, { id: 987654 });
  t.same(await adapter().send(body, context), { mId: '987654' });
  scope.done();
});

t.test('retries 503 and 429 with the same Idempotency-Key, then succeeds', async (t) => {
  const keys: string[] = [];
  const record = function (this: { req: { headers: Record<string, string> } }) { keys.push(this.req.headers['idempotency-key'] as string); };
  const scope = nock(PROVIDER)
    .post('/send').reply(function () { record.call(this as never); return [503, 'busy']; })
    .post('/send').reply(function () { record.call(this as never); return [429, '', { 'retry-after': '0' }]; })
    .post('/send').reply(function () { record.call(this as never); return [200, { mId: 'prov-1' }]; });
  t.same(await adapter().send(body, context), { mId: 'prov-1' });
  scope.done();
  t.equal(keys.length, 3);
  t.equal(new Set(keys).size, 1, 'one key for every attempt');
});

// replyWithError gets an Error instance: with a plain object, nock 14 never settles got's request.
t.test('failure paths become typed ProviderFailures', async (t) => {
  const cases: Array<[string, () => nock.Scope, number, RegExp]> = [
    ['4xx refused (not retried)', () => nock(PROVIDER).post('/send').reply(422, { error: { message: 'number blocked' } }), 400, /refused the message \(HTTP 422\): number blocked/],
    ['5xx after the retries', () => nock(PROVIDER).post('/send').times(3).reply(503, { message: 'down' }), 502, /HTTP 503 after 3 attempts: down/],
    ['network error after the retries', () => nock(PROVIDER).post('/send').times(3).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 502, /could not be reached \(ECONNRESET/],
    ['timeout', () => nock(PROVIDER).post('/send').times(3).delay(500).reply(200, { id: 'late' }), 504, /did not answer in time/],
  ];
  for (const [name, mock, status, message] of cases) {
    const scope = mock();
    const error = await adapter(name === 'timeout' ? { timeoutMs: 50 } : {}).send(body, context).catch((e: unknown) => e);
    t.type(error, ProviderFailure, name);
    t.equal((error as ProviderFailure).status, status, name);
    t.match((error as ProviderFailure).message, message, name);
    t.notMatch(JSON.stringify(error), PROVIDER_KEY, `${name}: the provider key is not in the error`);
    t.notMatch((error as Error).message, PROVIDER_KEY);
    scope.done();
  }
});

t.test('a 2xx without an id is still a sent message: the idempotency key stands in as the mId', async (t) => {
  const scope = nock(PROVIDER).post('/send').reply(202, 'accepted');
  const { mId } = await adapter().send(body, context);
  t.match(mId, /^[0-9a-f]{32}$/);
  scope.done();
});

t.test('through the server: provider failure → 502 { error }, token and provider key never in the answer', async (t) => {
  const scope = nock(PROVIDER).post('/send').times(3).reply(500, `internal error, key ${PROVIDER_KEY}`);
  const app = await buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', adapter: adapter() });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/message', headers: { authorization: `Bearer ${TOKEN}` }, payload: body });
  t.equal(response.statusCode, 502);
  t.match(response.json(), { error: { message: /HTTP 500 after 3 attempts/ } });
  t.notMatch(response.body, TOKEN);
  t.notMatch(response.body, PROVIDER_KEY, 'a non-JSON provider body is not echoed');
  scope.done();
});

t.test('options are checked when the adapter is created', async (t) => {
  t.throws(() => createForwardAdapter({ url: 'not a url' }), /absolute http\(s\) URL/);
  t.throws(() => createForwardAdapter({ url: 'ftp://x/y' }), /http\(s\)/);
  t.throws(() => createForwardAdapter({ url: PROVIDER, retries: 99 }), /retries/);
  t.throws(() => createForwardAdapter({ url: PROVIDER, timeoutMs: 0 }), /timeoutMs/);
});

t.test('plain http:// to a host that is not loopback is refused unless opted in, then warned once', async (t) => {
  t.throws(() => createForwardAdapter({ url: 'http://provider.example/send' }), /plain http to a host that is not loopback[\s\S]*allowInsecureUrl/);
  t.throws(() => createForwardAdapter({ url: PROVIDER, maxResponseBytes: 0 }), /maxResponseBytes/);
  t.doesNotThrow(() => createForwardAdapter({ url: 'http://127.0.0.1:9/send' }), 'loopback needs no opt-in');
  const warnings: string[] = [];
  const logger = { ...silentLogger, warn: (_: object, message?: string) => void warnings.push(message ?? '') };
  const insecure = createForwardAdapter({ url: 'http://provider.example/send', allowInsecureUrl: true, retryDelayMs: () => 0 });
  const scope = nock('http://provider.example').post('/send').twice().reply(200, { id: 'x' });
  await insecure.send(body, { ...context, logger });
  await insecure.send(body, { ...context, logger });
  scope.done();
  t.equal(warnings.length, 1, 'one warning for the opt-in, not one per message');
  t.match(warnings[0], /plain http to provider\.example/);
});
