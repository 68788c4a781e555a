import t from 'tap';
import { buildServer } from '../../hosts/http/build-server.js';
import { startSimulator } from '../../simulator/index.js';
import { customChannelSimulatorPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';
import { API_KEY } from './server-helpers.js';

// The host fills each connector's Connection from that connector's schema: the X-Respondio-Token header goes into
// the Custom Channel's `API Token` (its secret field), and the server's default base URL is not forced onto a
// Connection that has no `Base URL`.
const CHANNEL = 'gfd8g7fd89dgfd';
const CHANNEL_TOKEN = 'chan_TEST_tok_http_7a6b5c4d3e2f';

t.test('Send Event through the host: token header → API Token, no Base URL added', async (t) => {
  const recorder = new WebhookRecorder();
  const simulator = await startSimulator({ contacts: 1, plugins: [customChannelSimulatorPlugin({ channels: [{ channelId: CHANNEL, apiToken: CHANNEL_TOKEN, idType: 'Phone Number' }], recorder })] });
  t.teardown(() => simulator.close());
  // A server-wide base URL, as `serve --base-url` sets it for the respond.io API connectors.
  const app = await buildServer({ apiKey: API_KEY, baseUrl: simulator.baseUrl, logger: false });
  t.teardown(() => app.close());
  const webhook = `${simulator.baseUrl.replace(/\/v2$/, '')}/custom/channel/webhook/`;
  const response = await app.inject({
    method: 'POST',
    url: '/v1/connectors/custom-channel-send-event/run',
    headers: { authorization: `Bearer ${API_KEY}`, 'x-respondio-token': CHANNEL_TOKEN },
    payload: {
      connection: { 'Channel ID': CHANNEL, 'ID type': 'Phone Number', 'Webhook URL': webhook },
      rows: [{ ContactID: '+60177872890', EventType: 'message_status', MessageID: 'out-1', Timestamp: 1_700_000_000_000, Status: 'read' }],
    },
  });
  t.equal(response.statusCode, 200, response.body);
  const body = response.json<{ rows: { StatusCode: number; MessageID: string | null }[]; result: { status: string } }>();
  t.same(body.rows.map((row) => [row.StatusCode, row.MessageID]), [[200, 'out-1']]);
  t.equal(body.result.status, 'succeeded');
  t.match(recorder.events(CHANNEL), [{ type: 'message_status', mId: 'out-1', status: { value: 'read' } }]);
  t.notMatch(response.body, CHANNEL_TOKEN);
});
