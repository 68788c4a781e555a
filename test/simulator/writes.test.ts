import t from 'tap';
import { buildSimulator } from '../../simulator/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { authOf, body, isErrorBody } from './helpers.js';

t.test('POST /contact/{identifier}/message: { contactId, messageId }, then readable as an outgoing message', async (t) => {
  const sim = buildSimulator({ limits: false, contacts: 50 });
  t.teardown(() => sim.app.close());
  const headers = authOf(sim);
  const contact = sim.data.contacts[0];
  const res = await sim.app.inject({
    method: 'POST',
    url: `/v2/contact/phone:${encodeURIComponent(String(contact?.phone))}/message`,
    headers,
    payload: { channelId: 5678, message: { type: 'text', text: 'Hello from a test' } },
  });
  t.equal(res.statusCode, 200);
  const sent = body(res);
  t.same(Object.keys(sent).sort(), ['contactId', 'messageId']);
  t.equal(sent.contactId, contact?.id);
  t.equal(typeof sent.messageId, 'number');

  const read = body(await sim.app.inject({ url: `/v2/contact/id:${contact?.id}/message/${sent.messageId}`, headers }));
  t.match(read, { messageId: sent.messageId, contactId: contact?.id, channelId: 5678, traffic: 'outgoing', message: { type: 'text', text: 'Hello from a test' } });
  t.match(read.status, [{ value: 'pending', timestamp: Number }, { value: 'sent', timestamp: Number }]);
  const list = body(await sim.app.inject({ url: `/v2/contact/id:${contact?.id}/message/list?limit=1`, headers })) as { items: Array<{ messageId: number }> };
  t.equal(list.items[0]?.messageId, sent.messageId, 'newest in the list');

  const noChannel = body(await sim.app.inject({ method: 'POST', url: `/v2/contact/id:${contact?.id}/message`, headers, payload: { message: { type: 'whatsapp_template', template: { name: 'x' } } } }));
  t.type(noChannel.messageId, 'number', 'channelId is optional; any message type is accepted');

  for (const [payload, why] of [
    [{}, 'no message'],
    [{ message: { text: 'x' } }, 'no type'],
    [{ message: { type: 'text' } }, 'text without text'],
    [{ message: { type: 'text', text: 'x' }, channelId: 'a' }, 'channelId not a number'],
    [[], 'not an object'],
  ] as const) {
    t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: `/v2/contact/id:${contact?.id}/message`, headers, payload }), 400), why);
  }
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/id:9999999/message', headers, payload: { message: { type: 'text', text: 'x' } } }), 404));
});

t.test('create_or_update: a new contact answers 449 on GET until creatingMs has passed (fake clock)', async (t) => {
  const clock = new FakeClock();
  const sim = buildSimulator({ limits: false, contacts: 50, clock, creatingMs: 2000 });
  t.teardown(() => sim.app.close());
  const headers = authOf(sim);

  const created = await sim.app.inject({
    method: 'POST',
    url: '/v2/contact/create_or_update/email:new.person%40example.com',
    headers,
    payload: { firstName: 'New', lastName: 'Person', custom_fields: [{ name: 'order_id', value: 'Z-1' }] },
  });
  t.equal(created.statusCode, 201);
  const { contactId } = body(created);
  t.type(contactId, 'number');

  const early = await sim.app.inject({ url: `/v2/contact/id:${contactId}`, headers });
  t.ok(isErrorBody(early, 449), '449 while being created');
  t.notOk(early.headers['retry-after'], 'no Retry-After is documented for 449');
  await clock.advance(1999);
  t.equal((await sim.app.inject({ url: '/v2/contact/email:new.person@example.com', headers })).statusCode, 449, 'still 449 at 1999 ms');
  await clock.advance(1);
  const ready = await sim.app.inject({ url: '/v2/contact/email:new.person@example.com', headers });
  t.equal(ready.statusCode, 200);
  t.match(body(ready), { id: contactId, firstName: 'New', lastName: 'Person', email: 'new.person@example.com', custom_fields: [{ name: 'order_id', value: 'Z-1' }] });
  t.type(body(ready).created_at, 'number');

  const updated = await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/email:new.person@example.com', headers, payload: { lastName: 'Renamed' } });
  t.equal(updated.statusCode, 200, 'an update answers 200');
  t.equal(body(updated).contactId, contactId);
  t.equal(body(await sim.app.inject({ url: `/v2/contact/id:${contactId}`, headers })).lastName, 'Renamed');

  const existing = sim.data.contacts[0];
  const byPhone = await sim.app.inject({ method: 'POST', url: `/v2/contact/create_or_update/phone:${existing?.phone}`, headers, payload: { language: 'fr' } });
  t.equal(byPhone.statusCode, 200, 'an existing contact is updated, not re-created');
  t.equal((await sim.app.inject({ url: `/v2/contact/id:${existing?.id}`, headers })).statusCode, 200, 'and is not 449');

  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/id:9999999', headers, payload: {} }), 404), 'an unknown id cannot be created');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/bad', headers, payload: {} }), 400));
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/email:a@example.com', headers, payload: { firstName: 3 } }), 400));
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/email:b@example.com', headers, payload: { custom_fields: [{ value: 1 }] } }), 400));
  const taken = await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/email:c@example.com', headers, payload: { phone: existing?.phone } });
  t.ok(isErrorBody(taken, 400), 'a phone that belongs to another contact');
});
