import Fastify from 'fastify';
import t from 'tap';
import { ProviderFailure, type ProviderAdapter } from '../../custom-channel/adapter.js';
import { customChannelPlugin } from '../../custom-channel/plugin.js';
import { buildCustomChannelServer } from '../../custom-channel/server.js';
import { CHANNEL_ID, PHONE, TOKEN } from './fixtures.js';

const seedBody = `{
"channelId": "gfd8g7fd89dgfd",
"contactId": "+60177872890",
"message": {
"type": "text",
"text": "Hello World"
}
}`;
const headers = { authorization: `Bearer ${TOKEN}`, 'cache-control': 'no-cache', 'content-type': 'application/json' };

function recordingAdapter(result: () => Promise<{ mId: string }> = async () => ({ mId: '1640141607842' })): ProviderAdapter & { calls: unknown[] } {
  const calls: unknown[] = [];
  return { name: 'test', calls, send: async (message) => (calls.push(message), result()) };
}

const build = (adapter: ProviderAdapter, extra: { bodyLimit?: number } = {}) => buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', adapter, ...extra });

t.test("seed 002's cURL sample of respond.io calling /message: 200 { mId } after the adapter accepted", async (t) => {
  const adapter = recordingAdapter();
  const app = await build(adapter);
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/message', headers, payload: seedBody });
  t.equal(response.statusCode, 200);
  t.same(response.json(), { mId: '1640141607842' });
  t.same(adapter.calls, [{ channelId: CHANNEL_ID, contactId: PHONE, message: { type: 'text', text: 'Hello World' } }]);
});

t.test('auth: missing, malformed, wrong → 401 with the error shape, before the body is read or the adapter called', async (t) => {
  const adapter = recordingAdapter();
  const app = await build(adapter);
  t.teardown(() => app.close());
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing', { 'content-type': 'application/json' }, /missing Authorization header/],
    ['empty', { authorization: '', 'content-type': 'application/json' }, /missing Authorization header/],
    ['malformed: no scheme', { authorization: TOKEN, 'content-type': 'application/json' }, /malformed/],
    ['malformed: Basic', { authorization: `Basic ${TOKEN}`, 'content-type': 'application/json' }, /malformed/],
    ['malformed: Bearer and nothing', { authorization: 'Bearer ', 'content-type': 'application/json' }, /malformed/],
    ['wrong', { authorization: 'Bearer not-the-token', 'content-type': 'application/json' }, /not this channel's API Token/],
    ['wrong: the token with a suffix', { authorization: `Bearer ${TOKEN}x`, 'content-type': 'application/json' }, /not this channel's API Token/],
    ['wrong: a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}`, 'content-type': 'application/json' }, /not this channel's API Token/],
  ];
  for (const [name, caseHeaders, message] of cases) {
    const response = await app.inject({ method: 'POST', url: '/message', headers: caseHeaders, payload: seedBody });
    t.equal(response.statusCode, 401, name);
    t.match(response.json(), { error: { message } }, name);
    t.notMatch(response.body, TOKEN, `${name}: the token is not echoed`);
  }
  // A 401 does not wait for the body: even an oversized body without a token gets 401, not 413.
  const huge = await app.inject({ method: 'POST', url: '/message', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(200_000) });
  t.equal(huge.statusCode, 401);
  t.equal(adapter.calls.length, 0, 'the adapter was never called');
  const right = await app.inject({ method: 'POST', url: '/message', headers: { ...headers, authorization: `bearer ${TOKEN}` }, payload: seedBody });
  t.equal(right.statusCode, 200, 'right (the scheme is case-insensitive)');
});

t.test('body: malformed JSON 400 without a stack, over the limit 413, not JSON 415, empty 400', async (t) => {
  const app = await build(recordingAdapter(), { bodyLimit: 4096 });
  t.teardown(() => app.close());
  const malformed = await app.inject({ method: 'POST', url: '/message', headers, payload: '{"channelId": "gfd8g7fd89dgfd",' });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json(), { error: { message: /JSON/ } });
  t.notMatch(malformed.body, /at \w+ \(|node_modules|\.ts:\d+/, 'no stack trace');
  const big = await app.inject({ method: 'POST', url: '/message', headers, payload: JSON.stringify({ channelId: CHANNEL_ID, contactId: PHONE, message: { type: 'text', text: 'x'.repeat(5000) } }) });
  t.equal(big.statusCode, 413);
  t.match(big.json(), { error: { message: /larger than 4096 bytes/ } });
  const text = await app.inject({ method: 'POST', url: '/message', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'Hello World' });
  t.equal(text.statusCode, 415);
  t.type(text.json().error.message, 'string');
  const empty = await app.inject({ method: 'POST', url: '/message', headers, payload: '' });
  t.equal(empty.statusCode, 400);
  const array = await app.inject({ method: 'POST', url: '/message', headers, payload: '[]' });
  t.equal(array.statusCode, 400);
  t.match(array.json().error.message, /the body must be object/);
  const several = await app.inject({ method: 'POST', url: '/message', headers, payload: { channelId: 'x', contactId: 'y', message: { type: 'text', text: '' } } });
  t.equal(several.statusCode, 400);
  t.match(several.json().error.message, /message\.text must not be empty.*channelId must be this channel's ID.*contactId must be a phone number/, 'every problem in one answer');
});

t.test('adapter failures become 4xx/5xx { error: { message } }; a crash says nothing internal', async (t) => {
  const cases: Array<[string, () => Promise<{ mId: string }>, number, RegExp]> = [
    ['refused', async () => Promise.reject(new ProviderFailure(400, 'the provider refused the message (HTTP 422): number blocked')), 400, /number blocked/],
    ['unreachable', async () => Promise.reject(new ProviderFailure(502, 'the provider could not be reached')), 502, /could not be reached/],
    ['timeout', async () => Promise.reject(new ProviderFailure(504, 'the provider did not answer in time')), 504, /in time/],
    ['crash', async () => Promise.reject(new TypeError(`cannot read 'x' of undefined; token ${TOKEN}`)), 500, /^the test adapter failed$/],
    ['no mId', async () => ({ mId: '' }), 502, /no usable message id/],
    ['mId too long', async () => ({ mId: 'm'.repeat(51) }), 502, /no usable message id/],
  ];
  for (const [name, result, status, message] of cases) {
    const app = await build(recordingAdapter(result));
    const response = await app.inject({ method: 'POST', url: '/message', headers, payload: seedBody });
    t.equal(response.statusCode, status, name);
    t.match(response.json().error.message, message, name);
    t.notMatch(response.body, TOKEN, `${name}: no token`);
    t.notMatch(response.body, /stack|at \w+ \(/, `${name}: no stack`);
    await app.close();
  }
  t.equal(new ProviderFailure(200, 'odd').status, 502, 'a non-error status from an adapter is treated as 502');
});

t.test('mounts under a prefix inside another fastify app without touching its routes or parsers', async (t) => {
  const host = Fastify();
  host.post('/other', async (request) => ({ got: request.body }));
  await host.register(customChannelPlugin, { prefix: '/respondio', channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', adapter: recordingAdapter() });
  t.teardown(() => host.close());
  t.equal((await host.inject({ method: 'POST', url: '/respondio/message', headers, payload: seedBody })).statusCode, 200);
  t.equal((await host.inject({ method: 'POST', url: '/message', headers, payload: seedBody })).statusCode, 404);
  const other = await host.inject({ method: 'POST', url: '/other', headers: { 'content-type': 'text/plain' }, payload: 'plain' });
  t.equal(other.statusCode, 200, "the host's text/plain parser still works");
  t.same(other.json(), { got: 'plain' });
  const unauth = await host.inject({ method: 'POST', url: '/other', headers: { 'content-type': 'application/json' }, payload: '{}' });
  t.equal(unauth.statusCode, 200, "the channel's auth hook does not leak to the host's routes");
});

t.test('options are checked at registration with messages naming the option', async (t) => {
  const adapter = recordingAdapter();
  await t.rejects(buildCustomChannelServer({ channelId: '', apiToken: TOKEN, idType: 'Phone Number', adapter }), /channelId/);
  await t.rejects(buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: ' ', idType: 'Phone Number', adapter }), /apiToken/);
  await t.rejects(buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Email' as 'Custom ID', adapter }), /idType/);
  await t.rejects(buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Custom ID', adapter, bodyLimit: 10 }), /bodyLimit/);
});

t.test('closing the server closes the adapter once', async (t) => {
  let closed = 0;
  const app = await build({ name: 'c', send: async () => ({ mId: 'x' }), close: () => void (closed += 1) });
  await app.close();
  t.equal(closed, 1);
});
