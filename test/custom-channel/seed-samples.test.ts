import Fastify from 'fastify';
import t from 'tap';
import { customChannelWebhookPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';
import { CHANNEL_ID, TOKEN } from './fixtures.js';

// The -d bodies of seed 002's three cURL samples, character for character (the doc's own formatting kept).
const sampleMessages = `{
"channelId": "gfd8g7fd89dgfd",
"contactId": "+60177872890",
"events": [
{
"type": "message",
"mId": "xcvzzxcxczxczxc",
"timestamp": 2132131321000,
"message": {
"type": "text",
"text": "Hello World"
}
}
],
"contact": {
"firstName": "John",
"lastName": "Doe",
"profilePic": "<https://static.independent.co.uk/s3fs-public/thumbnails/image/2015/07/08/14/pic.jpg>",
"countryCode": "MY",
"email": "john@respond.io",
"phone": "+60177872890",
"language": "en"
}
}`;

const sampleEchoes = sampleMessages.replace('"type": "message",', '"type": "message_echo",');

const sampleReceipts = `{
"channelId": "gfd8g7fd89dgfd",
"contactId": "+60177872890",
"events": [
{
"type": "message_status",
"mId": "xcvzzxcxczxczxc",
"timestamp": 2132131321000,
"status": {
"value": "sent|delivered|read|failed",
"message": "Error: Sending failed due to invalid token"
}
]
}`;

// The seed's headers, as cURL sends them.
const headers = { authorization: `Bearer ${TOKEN}`, 'cache-control': 'no-cache', 'content-type': 'application/json' };

async function webhook() {
  const recorder = new WebhookRecorder();
  const app = Fastify();
  await app.register(customChannelWebhookPlugin, { channels: [{ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number' }], recorder });
  return { app, recorder };
}

t.test('seed sample "Messages" is accepted verbatim and recorded', async (t) => {
  const { app, recorder } = await webhook();
  const response = await app.inject({ method: 'POST', url: '/custom/channel/webhook/', headers, payload: sampleMessages });
  t.equal(response.statusCode, 200);
  t.equal(response.json(), 'OK', 'answers "OK" as the seed shows');
  t.match(recorder.events(CHANNEL_ID), [{ type: 'message', mId: 'xcvzzxcxczxczxc', contactId: '+60177872890', message: { type: 'text', text: 'Hello World' } }]);
  t.match(recorder.received[0]?.payload.contact, { firstName: 'John', countryCode: 'MY', language: 'en' });
});

t.test('seed sample "Messaging Echoes" is accepted verbatim', async (t) => {
  const { app, recorder } = await webhook();
  const response = await app.inject({ method: 'POST', url: '/custom/channel/webhook/', headers, payload: sampleEchoes });
  t.equal(response.statusCode, 200);
  t.match(recorder.events(), [{ type: 'message_echo', mId: 'xcvzzxcxczxczxc' }]);
});

t.test('seed sample "Messaging Receipts": verbatim it is not JSON; repaired minimally, each status value is accepted', async (t) => {
  const { app, recorder } = await webhook();
  // Verbatim, the sample lacks the `}` closing the event object: any JSON server refuses it, and so do we (400, no stack).
  const verbatim = await app.inject({ method: 'POST', url: '/custom/channel/webhook/', headers, payload: sampleReceipts });
  t.equal(verbatim.statusCode, 400);
  t.notMatch(verbatim.body, /at \w+ \(/, 'no stack trace');

  // Minimal repair: add that one `}`. Its value 'sent|delivered|read|failed' is the doc listing the choices, not a
  // value: sent as is it is refused by name, and each of the four values it lists is replayed on its own.
  const repaired = sampleReceipts.replace('"message": "Error: Sending failed due to invalid token"\n}\n]', '"message": "Error: Sending failed due to invalid token"\n}\n}\n]');
  t.doesNotThrow(() => JSON.parse(repaired), 'the repair is only the missing brace');
  const literal = await app.inject({ method: 'POST', url: '/custom/channel/webhook/', headers, payload: repaired });
  t.equal(literal.statusCode, 400);
  t.match(literal.json().error.message, /events\[0\]\.status\.value must be "sent" or "delivered" or "read" or "failed"/);

  for (const value of ['sent', 'delivered', 'read', 'failed']) {
    const payload = repaired.replace('"sent|delivered|read|failed"', JSON.stringify(value));
    const response = await app.inject({ method: 'POST', url: '/custom/channel/webhook/', headers, payload });
    t.equal(response.statusCode, 200, value);
  }
  t.same(recorder.events().map((event) => event.status?.value), ['sent', 'delivered', 'read', 'failed']);
});
