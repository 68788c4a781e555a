import t from 'tap';
import { buildSimulator } from '../../simulator/index.js';
import { authOf, body, isErrorBody } from './helpers.js';

// No limits here: these tests are about shapes, rate limiting has its own file.
const sim = buildSimulator({ limits: false });
const headers = authOf(sim);
t.teardown(() => sim.app.close());

const [full, unassigned] = sim.data.contacts;
if (!full || !unassigned) throw new Error('seed data too small');

t.test('every /v2 route answers 401 { code, message } without a valid Bearer token', async (t) => {
  const routes = [
    { method: 'GET', url: `/v2/contact/id:${full.id}` },
    { method: 'GET', url: `/v2/contact/id:${full.id}/message/1` },
    { method: 'GET', url: `/v2/contact/id:${full.id}/message/list` },
    { method: 'POST', url: '/v2/contact/list', payload: {} },
    { method: 'POST', url: `/v2/contact/id:${full.id}/message`, payload: { message: { type: 'text', text: 'hi' } } },
    { method: 'POST', url: '/v2/contact/create_or_update/email:x@example.com', payload: {} },
  ] as const;
  for (const route of routes) {
    for (const authorization of [undefined, 'Bearer wrong-token-123', `Basic ${sim.token}`, sim.token, `Bearer ${sim.token}x`]) {
      const res = await sim.app.inject({ ...route, headers: authorization === undefined ? {} : { authorization } });
      t.ok(isErrorBody(res, 401), `${route.method} ${route.url} with ${authorization ?? 'no header'}`);
      t.notMatch(res.body, sim.token, 'the token is never echoed');
    }
  }
  const lowerScheme = await sim.app.inject({ url: `/v2/contact/id:${full.id}`, headers: { authorization: `bearer ${sim.token}` } });
  t.equal(lowerScheme.statusCode, 200, 'the scheme is case-insensitive');
});

t.test('GET /contact/{identifier}: the spec body, by id, email and phone, encoded or raw', async (t) => {
  const forms = [
    `id:${full.id}`,
    `email:${full.email}`,
    `email:${encodeURIComponent(String(full.email))}`,
    `phone:${full.phone}`,
    `phone:${encodeURIComponent(String(full.phone))}`,
    encodeURIComponent(`phone:${full.phone}`),
    `email:${String(full.email).toUpperCase()}`,
  ];
  for (const identifier of forms) {
    const res = await sim.app.inject({ url: `/v2/contact/${identifier}`, headers });
    t.equal(res.statusCode, 200, identifier);
    t.same(body(res), full, identifier);
  }
  const contact = body(await sim.app.inject({ url: `/v2/contact/id:${full.id}`, headers }));
  t.equal(typeof contact.id, 'number');
  t.ok(Number.isInteger(contact.created_at) && (contact.created_at as number) > 1_500_000_000 && (contact.created_at as number) < 2_000_000_000, 'created_at in Unix seconds');
  t.ok(Array.isArray(contact.custom_fields), 'custom_fields snake_case');
  t.notOk('createdAt' in contact || 'customFields' in contact, 'no camelCase twins');
  t.match(contact.assignee, { id: Number, firstName: String, lastName: String, email: String });
  t.match(contact, { firstName: String, lastName: String, phone: /^\+\d+$/, email: String, language: String, profilePic: String, countryCode: String, status: String, tags: Array });

  const other = body(await sim.app.inject({ url: `/v2/contact/id:${unassigned.id}`, headers }));
  t.equal(other.assignee, null, 'unassigned → assignee null');
  t.notOk('tags' in other, 'tags may be missing');
  t.equal(other.custom_fields, null, 'custom_fields may be null');
});

t.test('GET /contact/{identifier}: 400 for malformed identifiers, 404 for unknown ones', async (t) => {
  for (const bad of ['bogus', 'id:', 'id:abc', 'id:0', 'name:john', 'phone:60123456789', 'email:not-an-email', 'phone:%2Babc']) {
    const res = await sim.app.inject({ url: `/v2/contact/${bad}`, headers });
    t.ok(isErrorBody(res, 400), bad);
  }
  for (const unknown of ['id:9999999', 'email:nobody@example.invalid', 'phone:+19999999999']) {
    const res = await sim.app.inject({ url: `/v2/contact/${encodeURIComponent(unknown)}`, headers });
    t.ok(isErrorBody(res, 404), unknown);
  }
});

t.test('GET /contact/{identifier}/message/{messageId}: the spec body; 404 when not that contact\'s', async (t) => {
  const messages = sim.data.messagesOf(full.id);
  for (const message of messages) {
    const res = await sim.app.inject({ url: `/v2/contact/id:${full.id}/message/${message.messageId}`, headers });
    t.equal(res.statusCode, 200);
    const got = body(res);
    t.same(got, message);
    t.equal(typeof got.messageId, 'number');
    t.ok(typeof got.channelMessageId === 'number' || typeof got.channelMessageId === 'string');
    t.match(got, { contactId: full.id, channelId: Number, traffic: /^(incoming|outgoing)$/, message: { type: String } });
    if (got.traffic === 'incoming') t.notOk('status' in got, 'incoming: no status');
    else t.match(got.status, [{ value: /^(pending|sent|delivered|read|failed)$/, timestamp: Number }]);
  }
  const types = new Set(messages.map((m) => m.message.type));
  t.ok(['text', 'attachment', 'quick_reply', 'location', 'custom_payload', 'email', 'whatsapp_template', 'story_reply'].every((type) => types.has(type)), 'showcase contact has every type');
  const someoneElses = sim.data.messagesOf(unassigned.id)[0];
  t.ok(isErrorBody(await sim.app.inject({ url: `/v2/contact/id:${full.id}/message/${someoneElses?.messageId}`, headers }), 404), 'another contact\'s message');
  t.ok(isErrorBody(await sim.app.inject({ url: `/v2/contact/id:${full.id}/message/1`, headers }), 404), 'no such message');
  t.ok(isErrorBody(await sim.app.inject({ url: `/v2/contact/id:9999999/message/${messages[0]?.messageId}`, headers }), 404), 'no such contact');
  t.ok(isErrorBody(await sim.app.inject({ url: `/v2/contact/id:${full.id}/message/abc`, headers }), 400), 'non-numeric message id');
  t.ok(isErrorBody(await sim.app.inject({ url: `/v2/contact/id:x/message/1`, headers }), 400), 'malformed identifier');
});

t.test('unknown routes, bad JSON and wrong content types answer { code, message }', async (t) => {
  t.ok(isErrorBody(await sim.app.inject({ url: '/v2/nope', headers }), 404));
  t.ok(isErrorBody(await sim.app.inject({ url: '/nope' }), 404));
  const badJson = await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"search":' });
  t.ok(isErrorBody(badJson, 400), 'malformed JSON body');
  const text = await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<x/>' });
  t.ok(isErrorBody(text, 415), 'unsupported media type');
});
