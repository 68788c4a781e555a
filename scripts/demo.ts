/**
 * `npm run demo` — the main job, offline: starts the respond.io simulator in-process (documented rate limits on),
 * then runs Get Contact and Get Message over the sample files of examples/ under each of the three error behaviors,
 * through the same CLI code a user runs, and prints the output rows and each run's summary. Then the Custom Channel
 * loop: respond.io sends a message out through our /message server, and the workflow posts the receipt back. Then
 * List Users (no input rows) and a Create Or Update Contact followed by Get Contact of the same contact.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { errorBehaviors } from '../runtime/error-behavior.js';
import { main } from '../hosts/cli/main.js';
import { buildCustomChannelServer, createOutboxAdapter } from '../custom-channel/index.js';
import { startSimulator } from '../simulator/index.js';
import { customChannelSimulatorPlugin, playOutgoingMessage, WebhookRecorder } from '../simulator/custom-channel.js';

const examples = (name: string): string => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

// The Custom Channel of seed 002's dialog sample.
const channel = { channelId: 'gfd8g7fd89dgfd', apiToken: 'demo-channel-api-token-0001', idType: 'Phone Number' as const };

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

const indent = (text: string): string => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');

/** One CLI run against the simulator with `stdin` as input rows: prints the command, its rows and summary. */
async function showRun(baseUrl: string, token: string, argv: string[], stdinText: string): Promise<{ code: number; rows: Record<string, unknown>[] }> {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await main([...argv, '--base-url', baseUrl], { stdin, stdout, stderr, env: { RESPONDIO_TOKEN: token } });
  const shown = stdinText.trim() === '' ? '< /dev/null' : `<<< '${stdinText.trim()}'`;
  console.log(`$ RESPONDIO_TOKEN=… respondio-connectors ${argv.join(' ')} --base-url ${baseUrl} ${shown}   → exit ${code}`);
  console.log('  output rows:');
  console.log(out().trim() ? indent(out()) : '    (none)');
  console.log('  summary (stderr):');
  console.log(indent(err()));
  console.log('');
  return { code, rows: out().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const recorder = new WebhookRecorder();
const simulator = await startSimulator({ plugins: [customChannelSimulatorPlugin({ channels: [channel], recorder })] });
console.log(`respond.io simulator on ${simulator.baseUrl} (seeded data, documented rate limits)\n`);
let worst = 0;
try {
  for (const [connector, file] of [['get-contact', 'get-contact.ndjson'], ['get-message', 'get-message.ndjson']] as const) {
    for (const behavior of errorBehaviors) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out = collect(stdout);
      const err = collect(stderr);
      const argv = ['run', connector, '--input', examples(file), '--error-behavior', behavior, '--base-url', simulator.baseUrl];
      const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env: { RESPONDIO_TOKEN: simulator.token } });
      worst = Math.max(worst, code === 2 ? 2 : 0);
      console.log(`$ RESPONDIO_TOKEN=… respondio-connectors run ${connector} --input examples/${file} --error-behavior "${behavior}" --base-url ${simulator.baseUrl}   → exit ${code}`);
      console.log('  output rows:');
      console.log(out().trim() ? indent(out()) : '    (none)');
      console.log('  summary (stderr):');
      console.log(indent(err()));
      console.log('');
    }
  }

  console.log('— respond.io Custom Channel: a message out through our /message server, and its receipt back —');
  const outbox = join(mkdtempSync(join(tmpdir(), 'respondio-demo-')), 'outbox.ndjson');
  const server = await buildCustomChannelServer({ ...channel, adapter: await createOutboxAdapter({ file: outbox }), prefix: '/respondio' });
  const serverUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  try {
    const outgoing = { channelId: channel.channelId, contactId: '+60177872890', message: { type: 'text', text: 'Your order A-17 has shipped' } };
    const sent = await playOutgoingMessage({ baseUrl: `${serverUrl}/respondio`, apiToken: channel.apiToken, body: outgoing });
    console.log(`respond.io → POST ${serverUrl}/respondio/message → ${sent.statusCode} ${JSON.stringify(sent.body)}`);
    console.log(`outbox row for the provider: ${readFileSync(outbox, 'utf8').trim()}`);
    const mId = (sent.body as { mId: string }).mId;
    const events = [
      { ContactID: '+60177872890', EventType: 'message_status', MessageID: mId, Status: 'delivered' },
      { ContactID: '+60177872890', EventType: 'message', MessageID: 'provider-in-1', Message: { type: 'text', text: 'Thanks!' }, Contact: { firstName: 'John', countryCode: 'MY' } },
    ];
    const stdin = new PassThrough();
    stdin.end(events.map((event) => JSON.stringify(event)).join('\n'));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const webhook = `${simulator.baseUrl.replace(/\/v2$/, '')}/custom/channel/webhook/`;
    const argv = ['run', 'custom-channel-send-event', '--connection', `Channel ID=${channel.channelId}`, '--connection', 'ID type=Phone Number', '--connection', `Webhook URL=${webhook}`];
    const code = await main(argv, { stdin, stdout, stderr, env: { RESPONDIO_TOKEN: channel.apiToken } });
    worst = Math.max(worst, code);
    console.log(`$ RESPONDIO_TOKEN=… respondio-connectors ${argv.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}   → exit ${code}`);
    console.log('  output rows:');
    console.log(indent(out()));
    console.log('  summary (stderr):');
    console.log(indent(err()));
    console.log(`  respond.io's webhook recorded: ${JSON.stringify(recorder.events(channel.channelId))}\n`);
  } finally {
    await server.close();
  }

  console.log('— List Users (no input rows: runs once), then Create Or Update Contact and Get Contact of the same contact —');
  const users = await showRun(simulator.baseUrl, simulator.token, ['run', 'list-users'], '');
  const contact = { Identifier: 'email:demo.person@example.com', FirstName: 'Demo', LastName: 'Person', Email: 'demo.person@example.com', Language: 'en', CountryCode: 'SG' };
  const written = await showRun(simulator.baseUrl, simulator.token, ['run', 'create-or-update-contact'], `${JSON.stringify(contact)}\n`);
  const contactId = written.rows[0]?.ContactID;
  const read = await showRun(simulator.baseUrl, simulator.token, ['run', 'get-contact'], `${JSON.stringify({ Identifier: `id:${String(contactId)}` })}\n`);
  worst = Math.max(worst, users.code, written.code, read.code);

  const { stats } = simulator;
  console.log(`the simulator answered ${stats.totalRequests} requests, ${stats.totalRateLimited} of them 429 (pacing keeps this at 0):`);
  for (const [endpoint, entry] of Object.entries(stats.endpoints)) console.log(`  ${endpoint}: ${JSON.stringify(entry.byStatus)}`);
} finally {
  await simulator.close();
}
// The demo itself fails only when a run could not even be configured (exit 2); failed runs are part of the show.
process.exitCode = worst;
