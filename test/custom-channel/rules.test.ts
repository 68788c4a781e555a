import Fastify from 'fastify';
import t from 'tap';
import { WebhookClient } from '../../connectors/respond-io/webhook-client.js';
import { buildCustomChannelServer } from '../../custom-channel/server.js';
import { formatIssues } from '../../runtime/schema-issues.js';
import type { IdType } from '../../connectors/respond-io/custom-channel-rules.js';
import { customChannelWebhookPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';
import { CHANNEL_ID, messageRules, MS, PHONE, TOKEN } from './fixtures.js';

// Every rule of seed 002, one kept and one broken, on each side that applies it:
//   /message (respond.io → our server), the webhook client's check before sending (us → respond.io), and the
//   simulator's webhook (respond.io receiving). The broken case's error must name the field.

const accepted = { name: 'ok', send: async () => ({ mId: 'm-1' }) };
const servers = new Map<IdType, Awaited<ReturnType<typeof buildCustomChannelServer>>>();
async function postMessage(body: unknown, idType: IdType = 'Phone Number') {
  let app = servers.get(idType);
  if (!app) servers.set(idType, (app = await buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType, adapter: accepted })));
  return app.inject({ method: 'POST', url: '/message', headers: { authorization: `Bearer ${TOKEN}` }, payload: body as object });
}

const clients = { 'Phone Number': new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number' }), 'Custom ID': new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Custom ID' }) };
const clientCheck = (input: Parameters<WebhookClient['check']>[0], idType: IdType = 'Phone Number'): string => formatIssues(clients[idType].check(input));

const simulator = Fastify();
await simulator.register(customChannelWebhookPlugin, {
  channels: [
    { channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number' },
    { channelId: 'custom-channel', apiToken: `${TOKEN}-custom`, idType: 'Custom ID' },
  ],
  recorder: new WebhookRecorder(),
});
const simulate = (payload: unknown, idType: IdType = 'Phone Number') =>
  simulator.inject({
    method: 'POST',
    url: '/custom/channel/webhook/',
    headers: { authorization: `Bearer ${idType === 'Phone Number' ? TOKEN : `${TOKEN}-custom`}` },
    payload: { channelId: idType === 'Phone Number' ? CHANNEL_ID : 'custom-channel', ...(payload as object) },
  });

t.teardown(async () => {
  for (const app of servers.values()) await app.close();
  await simulator.close();
  clients['Phone Number'].close();
  clients['Custom ID'].close();
});

const escape = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

t.test('message content rules, both directions', async (t) => {
  for (const { rule, ok, bad, field } of messageRules) {
    t.test(rule, async (t) => {
      const good = await postMessage({ channelId: CHANNEL_ID, contactId: PHONE, message: ok });
      t.equal(good.statusCode, 200, `/message accepts: ${good.body.slice(0, 200)}`);
      const refused = await postMessage({ channelId: CHANNEL_ID, contactId: PHONE, message: bad });
      t.equal(refused.statusCode, 400, '/message refuses');
      t.match(refused.json().error.message, escape(field), `/message names ${field}`);

      const event = (message: unknown) => ({ contactId: PHONE, events: [{ type: 'message' as const, mId: 'm1', timestamp: MS, message: message as { type: 'text' } }] });
      t.equal(clientCheck(event(ok)), '', 'client accepts');
      t.match(clientCheck(event(bad)), escape(`events[0].${field}`), 'client names the field');
      t.equal((await simulate(event(ok))).statusCode, 200, 'webhook accepts');
      const simulated = await simulate(event(bad));
      t.equal(simulated.statusCode, 400, 'webhook refuses');
      t.match(simulated.json().error.message, escape(`events[0].${field}`));
    });
  }
});

t.test('/message: channelId must be the configured channel, contactId per ID type', async (t) => {
  const message = { type: 'text', text: 'Hello World' };
  t.equal((await postMessage({ channelId: CHANNEL_ID, contactId: PHONE, message })).statusCode, 200);
  const other = await postMessage({ channelId: 'someone-else', contactId: PHONE, message });
  t.equal(other.statusCode, 400);
  t.match(other.json().error.message, /channelId must be this channel's ID/);
  t.match((await postMessage({ contactId: PHONE, message })).json().error.message, /channelId is required/);
  t.match((await postMessage({ channelId: CHANNEL_ID, message })).json().error.message, /contactId is required/);
  t.match((await postMessage({ channelId: CHANNEL_ID, contactId: PHONE })).json().error.message, /message is required/);

  // Phone Number: E.164.
  for (const bad of ['60177872890', '+0177872890', '+6017787289012345', '+60 177 872 890']) {
    const response = await postMessage({ channelId: CHANNEL_ID, contactId: bad, message });
    t.equal(response.statusCode, 400, `phone ${bad}`);
    t.match(response.json().error.message, /contactId must be a phone number in E\.164/);
  }
  // Custom ID: ≤ 50 of A-Z a-z 0-9 _ = + / @.
  const okCustom = 'Az09_=+/@'.padEnd(50, 'x');
  t.equal((await postMessage({ channelId: CHANNEL_ID, contactId: okCustom, message }, 'Custom ID')).statusCode, 200);
  for (const bad of [`${okCustom}x`, 'has space', 'dash-not-allowed', 'dot.no', 'émile']) {
    const response = await postMessage({ channelId: CHANNEL_ID, contactId: bad, message }, 'Custom ID');
    t.equal(response.statusCode, 400, `custom ${bad}`);
    t.match(response.json().error.message, /contactId must/);
  }
});

t.test('webhook: contactId per ID type, on both sides', async (t) => {
  const events = [{ type: 'message' as const, mId: 'm1', timestamp: MS, message: { type: 'text' as const, text: 'hi' } }];
  t.equal(clientCheck({ contactId: PHONE, events }), '');
  t.match(clientCheck({ contactId: 'not-a-phone', events }), /contactId must be a phone number/);
  t.equal((await simulate({ contactId: PHONE, events })).statusCode, 200);
  t.equal((await simulate({ contactId: 'not-a-phone', events })).statusCode, 400);
  const custom = 'user_42=+/@x';
  t.equal(clientCheck({ contactId: custom, events }, 'Custom ID'), '');
  t.match(clientCheck({ contactId: 'x'.repeat(51), events }, 'Custom ID'), /contactId must be at most 50 characters/);
  t.equal((await simulate({ contactId: custom, events }, 'Custom ID')).statusCode, 200);
  t.equal((await simulate({ contactId: 'no spaces', events }, 'Custom ID')).statusCode, 400);
});

// Event and contact rules: only the webhook direction has them.
const event = { type: 'message', mId: 'xcvzzxcxczxczxc', timestamp: MS, message: { type: 'text', text: 'Hello World' } };
const webhookRules: Array<{ rule: string; ok: Record<string, unknown>; bad: Record<string, unknown>; field: RegExp }> = [
  { rule: 'events required, at least one', ok: { events: [event] }, bad: { events: [] }, field: /events must have at least 1/ },
  { rule: 'events.type is one of three', ok: { events: [{ ...event, type: 'message_echo' }] }, bad: { events: [{ ...event, type: 'note' }] }, field: /events\[0\]\.type/ },
  { rule: 'mId required', ok: { events: [event] }, bad: { events: [{ ...event, mId: undefined }] }, field: /events\[0\]\.mId is required/ },
  { rule: 'mId ≤ 50', ok: { events: [{ ...event, mId: 'm'.repeat(50) }] }, bad: { events: [{ ...event, mId: 'm'.repeat(51) }] }, field: /events\[0\]\.mId must be at most 50/ },
  { rule: 'timestamp required', ok: { events: [event] }, bad: { events: [{ ...event, timestamp: undefined }] }, field: /events\[0\]\.timestamp is required/ },
  { rule: 'timestamp in ms, not seconds', ok: { events: [{ ...event, timestamp: 1700000000000 }] }, bad: { events: [{ ...event, timestamp: 1700000000 }] }, field: /events\[0\]\.timestamp must be Unix epoch milliseconds/ },
  { rule: 'timestamp an integer', ok: { events: [event] }, bad: { events: [{ ...event, timestamp: '2132131321000' }] }, field: /events\[0\]\.timestamp must be integer/ },
  { rule: 'message required for message events', ok: { events: [event] }, bad: { events: [{ ...event, message: undefined }] }, field: /events\[0\]\.message is required/ },
  {
    rule: 'status required for message_status',
    ok: { events: [{ type: 'message_status', mId: 'm1', timestamp: MS, status: { value: 'read' } }] },
    bad: { events: [{ type: 'message_status', mId: 'm1', timestamp: MS }] },
    field: /events\[0\]\.status is required/,
  },
  {
    rule: 'status.value is sent|delivered|read|failed',
    ok: { events: [{ type: 'message_status', mId: 'm1', timestamp: MS, status: { value: 'delivered' } }] },
    bad: { events: [{ type: 'message_status', mId: 'm1', timestamp: MS, status: { value: 'seen' } }] },
    field: /events\[0\]\.status\.value/,
  },
  {
    rule: 'status.message required when failed',
    ok: { events: [{ type: 'message_status', mId: 'm1', timestamp: MS, status: { value: 'failed', message: 'invalid token' } }] },
    bad: { events: [{ type: 'message_status', mId: 'm1', timestamp: MS, status: { value: 'failed' } }] },
    field: /events\[0\]\.status\.message is required/,
  },
  { rule: 'no status on a message event', ok: { events: [event] }, bad: { events: [{ ...event, status: { value: 'read' } }] }, field: /events\[0\]\.status is only allowed in message_status events/ },
  { rule: 'contact.firstName ≤ 50', ok: { contact: { firstName: 'J'.repeat(50) } }, bad: { contact: { firstName: 'J'.repeat(51) } }, field: /contact\.firstName must be at most 50/ },
  { rule: 'contact.lastName ≤ 50', ok: { contact: { lastName: 'D'.repeat(50) } }, bad: { contact: { lastName: 'D'.repeat(51) } }, field: /contact\.lastName must be at most 50/ },
  { rule: 'contact.email ≤ 50', ok: { contact: { email: `${'e'.repeat(41)}@resp.io` } }, bad: { contact: { email: `${'e'.repeat(43)}@resp.io` } }, field: /contact\.email must be at most 50/ },
  { rule: 'contact.phone ≤ 18', ok: { contact: { phone: '+6017787289012345' } }, bad: { contact: { phone: '+60 177 872 890 123 4' } }, field: /contact\.phone must be at most 18/ },
  { rule: 'contact.countryCode ISO alpha-2', ok: { contact: { countryCode: 'MY' } }, bad: { contact: { countryCode: 'XX' } }, field: /contact\.countryCode must be an ISO 3166-1 alpha-2/ },
  { rule: 'contact.countryCode is upper case alpha-2', ok: { contact: { countryCode: 'GB' } }, bad: { contact: { countryCode: 'my' } }, field: /contact\.countryCode/ },
  { rule: 'contact.language ISO 639-1', ok: { contact: { language: 'ms' } }, bad: { contact: { language: 'eng' } }, field: /contact\.language must be an ISO 639-1/ },
  { rule: 'contact.timezone ≥ −24', ok: { contact: { timezone: -24 } }, bad: { contact: { timezone: -24.5 } }, field: /contact\.timezone must be >= -24/ },
  { rule: 'contact.timezone ≤ 24', ok: { contact: { timezone: 5.5 } }, bad: { contact: { timezone: 25 } }, field: /contact\.timezone must be <= 24/ },
  { rule: 'contact has only documented fields', ok: { contact: { locale: 'en_US', profilePic: 'https://x/p.jpg' } }, bad: { contact: { nickname: 'JD' } }, field: /contact\.nickname is not a documented field/ },
];

t.test('webhook event and contact rules, client and simulator', async (t) => {
  for (const { rule, ok, bad, field } of webhookRules) {
    const base = { contactId: PHONE, events: [event] };
    const good = JSON.parse(JSON.stringify({ ...base, ...ok }));
    const broken = JSON.parse(JSON.stringify({ ...base, ...bad }));
    t.equal(clientCheck(good), '', `${rule}: client accepts`);
    t.match(clientCheck(broken), field, `${rule}: client names the field`);
    t.equal((await simulate(good)).statusCode, 200, `${rule}: webhook accepts`);
    const refused = await simulate(broken);
    t.equal(refused.statusCode, 400, `${rule}: webhook refuses`);
    t.match(refused.json().error.message, field);
  }
});
