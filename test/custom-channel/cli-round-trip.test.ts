import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { WebhookClient } from '../../connectors/respond-io/webhook-client.js';
import { runCustomChannel, type CustomChannelIo } from '../../hosts/cli/custom-channel-command.js';
import { startSimulator } from '../../simulator/app.js';
import { customChannelSimulatorPlugin, playOutgoingMessage, WebhookRecorder } from '../../simulator/custom-channel.js';
import { CHANNEL_ID, PHONE, TOKEN } from './fixtures.js';

function io(env: Record<string, string | undefined> = {}, signal?: AbortSignal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => (listening = resolve));
  const value: CustomChannelIo = { stdin: new PassThrough(), stdout, stderr, env, ...(signal ? { signal } : {}), onListening: (u) => listening(u) };
  return { io: value, url, out: () => out, err: () => err };
}

t.test('usage errors: exit 2, a clear message, never the token', async (t) => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--token', TOKEN], {}, /--token is refused: a token in argv is visible/],
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone', `--api-token=${TOKEN}`], {}, /--api-token is refused/],
    [['--id-type', 'phone'], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /--channel-id is required/],
    [['--channel-id', CHANNEL_ID], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /--id-type is required/],
    [['--channel-id', CHANNEL_ID, '--id-type', 'email'], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /--id-type must be phone/],
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone'], {}, /no API Token: set RESPONDIO_CHANNEL_TOKEN/],
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--adapter', 'forward'], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /--adapter forward needs --forward-url/],
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--port', 'x'], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /--port must be an integer/],
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--outbox', '/nonexistent-rc-folder/outbox.ndjson'], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /^respondio-connectors custom-channel: --outbox "\/nonexistent-rc-folder\/outbox.ndjson": the folder "\/nonexistent-rc-folder" does not exist \(create it first\)\nSee /],
    [['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--log-level', 'chatty'], { RESPONDIO_CHANNEL_TOKEN: TOKEN }, /--log-level must be one of fatal, error, warn, info, debug, trace, silent/],
  ];
  for (const [argv, env, message] of cases) {
    const run = io(env);
    t.equal(await runCustomChannel(argv, run.io), 2, argv.join(' '));
    t.match(run.err(), message);
    t.notMatch(run.err(), TOKEN);
    t.notMatch(run.err(), /unexpected error|\n\s+at /, 'one clear line, no stack');
  }
  // A usage error found after the adapter options touches nothing: the outbox is not opened (nor created), so no
  // file handle is left for the garbage collector to close.
  const outbox = join(t.testdir(), 'outbox.ndjson');
  const late = io({ RESPONDIO_CHANNEL_TOKEN: TOKEN });
  t.equal(await runCustomChannel(['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--outbox', outbox, '--log-level', 'chatty'], late.io), 2);
  t.notOk(existsSync(outbox), 'a usage error leaves no outbox file behind');
  const help = io();
  t.equal(await runCustomChannel(['--help'], help.io), 0);
  t.match(help.out(), /--token-env NAME/);
});

t.test('round trip: respond.io → our /message (CLI, outbox) → the provider side posts a receipt → respond.io', async (t) => {
  const dir = t.testdir();
  const outbox = join(dir, 'outbox.ndjson');
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`);

  // 1. Our server, from the command line, token from a file.
  const stop = new AbortController();
  const run = io({}, stop.signal);
  const exit = runCustomChannel(['--channel-id', CHANNEL_ID, '--id-type', 'phone', '--token-file', tokenFile, '--outbox', outbox, '--port', '0', '--prefix', '/respondio'], run.io);
  const messageUrl = await run.url;
  t.match(messageUrl, /^http:\/\/127\.0\.0\.1:\d+\/respondio\/message$/);
  t.notMatch(run.out(), TOKEN);

  // 2. respond.io (simulated) sends a message out through the channel.
  const baseUrl = messageUrl.replace(/\/message$/, '');
  const sent = await playOutgoingMessage({ baseUrl, apiToken: TOKEN, body: { channelId: CHANNEL_ID, contactId: PHONE, message: { type: 'text', text: 'Hello World' } } });
  t.equal(sent.statusCode, 200);
  const mId = (sent.body as { mId: string }).mId;
  const denied = await playOutgoingMessage({ baseUrl, apiToken: 'not-the-token', body: {} });
  t.equal(denied.statusCode, 401);

  // 3. The workflow engine reads the outbox row, delivers it, and reports the receipt back through the webhook.
  const [line] = (await readFile(outbox, 'utf8')).trim().split('\n');
  const row = JSON.parse(line ?? '{}') as { MessageID: string; ContactID: string };
  t.equal(row.MessageID, mId);
  const recorder = new WebhookRecorder();
  const simulator = await startSimulator({ contacts: 1, plugins: [customChannelSimulatorPlugin({ channels: [{ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number' }], recorder })] });
  t.teardown(() => simulator.close());
  const client = new WebhookClient({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', webhookUrl: `${simulator.baseUrl.replace(/\/v2$/, '')}/custom/channel/webhook/` });
  t.teardown(() => client.close());
  await client.post({ contactId: row.ContactID, events: [{ type: 'message_status', mId: row.MessageID, timestamp: Date.now(), status: { value: 'delivered' } }] });
  t.match(recorder.events(CHANNEL_ID), [{ type: 'message_status', mId, contactId: PHONE, status: { value: 'delivered' } }]);

  stop.abort();
  t.equal(await exit, 0, 'stops cleanly on the signal');
  const logged = run.out().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; mId?: string; req?: { url: string }; res?: { statusCode: number } });
  t.ok(logged.some((entry) => entry.msg === 'incoming request' && entry.req?.url === '/respondio/message'), 'each request respond.io makes is logged');
  t.ok(logged.some((entry) => entry.msg === 'custom channel: message from respond.io handed to the adapter' && entry.mId === mId), 'the message handed on is logged with its mId');
  t.ok(logged.some((entry) => entry.res?.statusCode === 401), 'the refused call is logged with its status');
  t.notMatch(run.out(), TOKEN, 'the token is in no log line');
});
