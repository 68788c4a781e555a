import { PassThrough } from 'node:stream';
import t from 'tap';
import { main } from '../../hosts/cli/main.js';
import { startSimulator } from '../../simulator/index.js';
import { customChannelSimulatorPlugin, WebhookRecorder } from '../../simulator/custom-channel.js';

// The CLI builds each connector's Connection from that connector's schema: the token fills its secret field, and
// --connection FIELD=VALUE the others. The Custom Channel Send Event connector is the one whose fields differ.
const CHANNEL = 'gfd8g7fd89dgfd';
const CHANNEL_TOKEN = 'chan_TEST_tok_4f1e2d3c2b1a0';

async function cli(argv: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let stdout = '';
  let stderr = '';
  streams.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  streams.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  streams.stdin.end(stdin);
  const code = await main(argv, { ...streams, env: { RESPONDIO_TOKEN: CHANNEL_TOKEN } });
  return { code, stdout, stderr };
}

t.test('run custom-channel-send-event from the CLI: events reach the webhook, rows come back', async (t) => {
  const recorder = new WebhookRecorder();
  const simulator = await startSimulator({ contacts: 1, plugins: [customChannelSimulatorPlugin({ channels: [{ channelId: CHANNEL, apiToken: CHANNEL_TOKEN, idType: 'Phone Number' }], recorder })] });
  t.teardown(() => simulator.close());
  const webhook = `${simulator.baseUrl.replace(/\/v2$/, '')}/custom/channel/webhook/`;
  const rows = [
    { ContactID: '+60177872890', EventType: 'message', MessageID: 'in-1', Timestamp: 1_700_000_000_000, Message: { type: 'text', text: 'Hello World' } },
    { ContactID: '+60177872890', EventType: 'message_status', MessageID: 'out-7', Timestamp: 1_700_000_000_500, Status: 'delivered' },
  ];
  const run = await cli(
    ['run', 'custom-channel-send-event', '--connection', `Channel ID=${CHANNEL}`, '--connection', 'ID type=Phone Number', '--connection', `Webhook URL=${webhook}`, '--error-behavior', 'do-not-fail-and-return-response'],
    rows.map((row) => JSON.stringify(row)).join('\n'),
  );
  t.equal(run.code, 0, run.stderr);
  const out = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  t.same(out.map((row) => [row.StatusCode, row.MessageID]), [[200, 'in-1'], [200, 'out-7']]);
  t.match(recorder.events(CHANNEL), [
    { type: 'message', mId: 'in-1', contactId: '+60177872890', message: { type: 'text', text: 'Hello World' } },
    { type: 'message_status', mId: 'out-7', status: { value: 'delivered' } },
  ]);
  t.notMatch(run.stdout + run.stderr, CHANNEL_TOKEN);
});

t.test('--connection refusals name the problem and never quote a value', async (t) => {
  const cases: [string[], RegExp][] = [
    [['run', 'custom-channel-send-event', '--connection', 'Colour=red'], /has no field "Colour" \(its fields: Channel ID, API Token, Webhook URL, ID type, Allow insecure URL\)/],
    [['run', 'custom-channel-send-event', '--connection', `API Token=${CHANNEL_TOKEN}x`], /'API Token' is secret and is refused on the command line/],
    [['run', 'custom-channel-send-event', '--base-url', 'http://127.0.0.1:1/v2'], /--base-url: the Connection of custom-channel-send-event has no 'Base URL' field/],
    [['run', 'get-contact', '--connection', 'no-equals-sign'], /--connection takes FIELD=VALUE/],
    [['run', 'custom-channel-send-event', '--connection', `Channel ID=${CHANNEL}`], /Connection field 'ID type' is missing/],
  ];
  for (const [argv, message] of cases) {
    const run = await cli(argv, '');
    t.equal(run.code, 2, argv.join(' '));
    t.match(run.stderr, message);
    t.notMatch(run.stderr, CHANNEL_TOKEN);
  }
});

t.test('`simulate` serves a Custom Channel webhook too, so Send Event runs offline from the command line', async (t) => {
  const simulateOut = new PassThrough();
  let printed = '';
  simulateOut.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const stop = new AbortController();
  const simulate = main(['simulate', '--seed', '5', '--limits', 'off'], { stdin: new PassThrough(), stdout: simulateOut, stderr: new PassThrough(), env: {}, signal: stop.signal });
  while (!printed.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
  const info = JSON.parse(printed.split('\n')[0] as string) as { token: string; webhookUrl: string; channel: { channelId: string; idType: string } };
  t.match(info, { webhookUrl: /^http:\/\/127\.0\.0\.1:\d+\/custom\/channel\/webhook\/$/, channel: { channelId: 'sim-channel', idType: 'Phone Number' } });

  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let stdout = '';
  streams.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  streams.stdin.end(`${JSON.stringify({ ContactID: '+60177872890', EventType: 'message', MessageID: 'offline-1', Timestamp: 1_700_000_000_000, Message: { type: 'text', text: 'hi' } })}\n`);
  const code = await main(
    ['run', 'custom-channel-send-event', '--connection', `Channel ID=${info.channel.channelId}`, '--connection', `ID type=${info.channel.idType}`, '--connection', `Webhook URL=${info.webhookUrl}`],
    { ...streams, env: { RESPONDIO_TOKEN: info.token } },
  );
  stop.abort();
  t.equal(await simulate, 0);
  t.equal(code, 0);
  t.match(JSON.parse(stdout.trim()), { StatusCode: 200, MessageID: 'offline-1' });
});
