import nock from 'nock';
import t from 'tap';
import { messageRow } from '../../connectors/get-message/index.js';
import { loadPlugin } from '../../connectors/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, BASE_URL, messageBody, TOKEN } from '../respond-io/fixtures.js';

// Through the real runtime (schemas validate every output row) and the real client; nock is the network.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());

const plugin = await loadPlugin();
const run = (rows: unknown[]) =>
  plugin.run({
    connector: 'get-message', rows, connection: { Token: TOKEN, 'Base URL': BASE_URL }, settings: { 'Error behavior': 'Do not fail and return response' },
    connectorOptions: { clock: new FakeClock({ autoAdvance: true }), random: () => 0.5 }, concurrency: 2,
  }).collect();

const nullColumns = { MessageID: null, ChannelMessageID: null, ContactID: null, ChannelID: null, Traffic: null, MessageDetail: null, DeliveryStatuses: null };

t.test('an outgoing text message maps to every column; numeric ids become strings', async (t) => {
  const scope = api().get('/v2/contact/id:12345/message/1262965213').reply(200, messageBody);
  const { rows, result } = await run([{ Identifier: 'id:12345', MessageID: '1262965213' }]);
  t.same(rows, [{
    StatusCode: 200, Message: null, MessageID: '1262965213', ChannelMessageID: '123', ContactID: 12345, ChannelID: 5678, Traffic: 'outgoing',
    MessageDetail: { type: 'text', text: 'Hello!' }, DeliveryStatuses: [{ value: 'delivered', timestamp: 1662965213 }],
  }]);
  t.equal(result.status, 'succeeded');
  const columns = Object.keys(plugin.describe('get-message').output.schema.properties ?? {});
  t.same(Object.keys(rows[0] ?? {}), columns, 'a success row has its columns in the schema order, as error rows do');
  scope.done();
});

t.test('variants: numeric channelMessageId, incoming without status, unknown and rich message types', async (t) => {
  const incoming = { messageId: 2, channelMessageId: 987654321, contactId: 12345, channelId: 5678, traffic: 'incoming', message: { type: 'story_reply', text: 'nice', storyId: 'abc' } };
  const template = { ...messageBody, messageId: 3, message: { type: 'whatsapp_template', template: { name: 'welcome', languageCode: 'en', components: [] } }, status: [{ value: 'failed', timestamp: 1, message: 'Template paused' }] };
  const scope = api()
    .get('/v2/contact/phone:%2B60123456789/message/2').reply(200, incoming)
    .get('/v2/contact/email:a%40b.co/message/3').reply(200, template)
    .get('/v2/contact/id:1/message/4').reply(200, { messageId: 4, message: { type: 'hologram' }, channelMessageId: null, status: null, extra: true });
  const { rows, result } = await run([
    { Identifier: 'phone:+60123456789', MessageID: '2' }, { Identifier: 'email:a@b.co', MessageID: '3' }, { Identifier: 'id:1', MessageID: '4' },
  ]);
  t.equal(result.status, 'succeeded', 'every row valid against the output schema');
  t.match(rows[0], { MessageID: '2', ChannelMessageID: '987654321', Traffic: 'incoming', DeliveryStatuses: null, MessageDetail: { type: 'story_reply', storyId: 'abc' } });
  t.match(rows[1], { MessageDetail: { type: 'whatsapp_template', template: { name: 'welcome' } }, DeliveryStatuses: [{ value: 'failed', message: 'Template paused' }] });
  t.same(rows[2], { StatusCode: 200, Message: null, ...nullColumns, MessageID: '4', MessageDetail: { type: 'hologram' } });
  scope.done();
});

t.test('messageRow never throws on odd bodies', async (t) => {
  t.same(messageRow({}), { StatusCode: 200, Message: null, ...nullColumns });
});

t.test('bad MessageID and not-found messages become error rows; no request for the bad input', async (t) => {
  const scope = api().get('/v2/contact/id:1/message/999').reply(404, { code: 404, message: 'Message not found' });
  const { rows, result } = await run([{ Identifier: 'id:1', MessageID: 'abc' }, { Identifier: 'id:1', MessageID: '999' }]);
  // The input schema rejects "abc" before the connector runs; the client would too (test/respond-io/identifier.test.ts).
  t.match(rows[0], { StatusCode: 400, Message: /MessageID/, ...nullColumns });
  t.same(rows[1], { StatusCode: 404, Message: 'Message not found', ...nullColumns });
  t.match(result, { errorRows: 2, upstream: { requests: 1 } });
  scope.done();
});
