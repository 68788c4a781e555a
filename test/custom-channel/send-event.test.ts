import t from 'tap';
import { loadPlugin } from '../../connectors/index.js';
import { startSimulator } from '../../simulator/app.js';
import { customChannelSimulatorPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';
import { CHANNEL_ID, instantClock, MS, PHONE, TOKEN } from './fixtures.js';

// The Send Event connector end to end: the runtime (error behaviors, error rows) → the connector → the webhook client
// → the simulator's Custom Channel webhook (registered through buildSimulator's `plugins`).
const recorder = new WebhookRecorder();
const simulator = await startSimulator({ contacts: 1, plugins: [customChannelSimulatorPlugin({ channels: [{ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number' }], recorder })] });
t.teardown(() => simulator.close());
const webhookUrl = `${simulator.baseUrl.replace(/\/v2$/, '')}/custom/channel/webhook/`;
const plugin = await loadPlugin();
const connection = { 'Channel ID': CHANNEL_ID, 'API Token': TOKEN, 'Webhook URL': webhookUrl, 'ID type': 'Phone Number' };

const rows: Array<Record<string, unknown>> = [
  { ContactID: PHONE, EventType: 'message', MessageID: 'in-1', Timestamp: MS, Message: { type: 'text', text: 'Hello World' }, Contact: { firstName: 'John', countryCode: 'MY' } },
  { ContactID: PHONE, EventType: 'message_status', MessageID: 'out-1', Timestamp: MS, Status: 'failed', StatusMessage: null }, // failed needs a StatusMessage
  { ContactID: PHONE, EventType: 'message_echo', MessageID: 'echo-1', Timestamp: MS, Message: '{"type":"location","latitude":3.1,"longitude":101.6}' },
];

async function run(behavior: string, input = rows) {
  const handle = plugin.run({ connector: 'Respond.io - Custom Channel Send Event', rows: input, connection, settings: { 'Error behavior': behavior }, concurrency: 2, connectorOptions: { clock: instantClock() } });
  const out: Array<Record<string, unknown>> = [];
  for await (const row of handle) out.push(row);
  return { out, result: await handle.result };
}

t.test('Do not fail and return response: one row per input, the bad one an error row naming the column', async (t) => {
  recorder.clear();
  const { out, result } = await run('Do not fail and return response');
  t.same(out[0], { StatusCode: 200, Message: null, MessageID: 'in-1' });
  t.match(out[1], { StatusCode: 400, Message: /StatusMessage is required/, MessageID: null });
  t.same(out[2], { StatusCode: 200, Message: null, MessageID: 'echo-1' });
  t.match(result, { status: 'succeeded with errors' });
  t.same(recorder.events().map((e) => [e.type, e.mId]), [['message', 'in-1'], ['message_echo', 'echo-1']], 'the simulator recorded the two valid events');
  t.match(recorder.received[0]?.payload.contact, { firstName: 'John', countryCode: 'MY' });
});

t.test('Fail and return response: rows before, the error row, then stop', async (t) => {
  const { out, result } = await run('Fail and return response');
  t.equal(out.length, 2);
  t.equal(out[1]?.StatusCode, 400);
  t.match(result, { status: 'failed' });
});

t.test('Fail without response: rows before only; the error in the result', async (t) => {
  const { out, result } = await run('Fail without response');
  t.equal(out.length, 1);
  t.match(result, { status: 'failed' });
  t.notMatch(JSON.stringify(result), TOKEN);
});

t.test('a wrong token stops the run (configuration error), and is never printed', async (t) => {
  const handle = plugin.run({ connector: 'custom-channel-send-event', rows: rows.slice(0, 1), connection: { ...connection, 'API Token': 'wrong-token-value' }, settings: { 'Error behavior': 'Do not fail and return response' } });
  const out: unknown[] = [];
  for await (const row of handle) out.push(row);
  const result = await handle.result;
  t.match(result, { status: 'failed' });
  t.match(JSON.stringify(result), /RC_TOKEN_REJECTED/);
  t.notMatch(JSON.stringify([out, result]), /wrong-token-value/);
});

t.test('row rules in row words: JSON text columns, seconds timestamps, unknown options', async (t) => {
  const { out } = await run('Do not fail and return response', [
    { ContactID: PHONE, EventType: 'message', MessageID: 'a', Timestamp: 1700000000, Message: { type: 'text', text: 'x' } },
    { ContactID: PHONE, EventType: 'message', MessageID: 'b', Timestamp: MS, Message: 'not json' },
    { ContactID: '60177872890', EventType: 'message', MessageID: 'c', Timestamp: MS, Message: { type: 'text', text: 'x'.repeat(7001) } },
  ]);
  t.match(out[0], { StatusCode: 400, Message: /Timestamp must be Unix epoch milliseconds/ });
  t.match(out[1], { StatusCode: 400, Message: /column 'Message' must be a JSON object/ });
  t.match(out[2], { StatusCode: 400, Message: /Message\.text must be at most 7,000 characters.*ContactID must be a phone number/ });
  t.throws(() => plugin.run({ connector: 'custom-channel-send-event', rows: [], connection, connectorOptions: { bogus: 1 } }), { code: 'RC_INVALID_OPTION' });
});
