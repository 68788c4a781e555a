import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createOutboxAdapter } from '../../custom-channel/outbox-adapter.js';
import { buildCustomChannelServer } from '../../custom-channel/server.js';
import { schemaRefs } from '../../connectors/respond-io/custom-channel-rules.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';
import { silentLogger } from '../../runtime/logger.js';
import { CHANNEL_ID, PHONE, TOKEN } from './fixtures.js';

const context = { signal: new AbortController().signal, logger: silentLogger };
const message = (text: string, contactId = PHONE) => ({ channelId: CHANNEL_ID, contactId, message: { type: 'text' as const, text } as { type: 'text' } });
const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);

t.test('each accepted message is one NDJSON line, a valid Outbox Row', async (t) => {
  const file = join(t.testdir(), 'outbox.ndjson');
  let now = Date.UTC(2024, 0, 1);
  const adapter = await createOutboxAdapter({ file, now: () => now });
  const a = await adapter.send(message('one'), context);
  now += 1;
  const b = await adapter.send(message('two'), context);
  await adapter.close?.();
  t.not(a.mId, b.mId);
  t.ok(a.mId.length <= 50);
  const rows = await lines(file);
  t.equal(rows.length, 2);
  t.match(rows[0], { MessageID: a.mId, ChannelID: CHANNEL_ID, ContactID: PHONE, MessageType: 'text', Message: { type: 'text', text: 'one' }, ReceivedAt: '2024-01-01T00:00:00.000Z' });
  const validate = SchemaRegistry.load().get(schemaRefs.outboxRow.name, schemaRefs.outboxRow.version).validate;
  for (const row of rows) t.ok(validate(row), JSON.stringify(validate.errors));
});

t.test('idempotent: the same message resent (any key order, concurrently) is appended once and keeps its mId', async (t) => {
  const file = join(t.testdir(), 'outbox.ndjson');
  let now = 1_700_000_000_000;
  const adapter = await createOutboxAdapter({ file, now: () => now, dedupeWindowMs: 60_000 });
  const first = await adapter.send(message('Hello World'), context);
  const reordered = { message: { text: 'Hello World', type: 'text' as const }, contactId: PHONE, channelId: CHANNEL_ID };
  const [again, concurrent] = await Promise.all([adapter.send(reordered, context), adapter.send(message('Hello World'), context)]);
  t.equal(again.mId, first.mId);
  t.equal(concurrent.mId, first.mId);
  t.equal((await lines(file)).length, 1, 'one line');
  const otherContact = await adapter.send(message('Hello World', '+60111111111'), context);
  t.not(otherContact.mId, first.mId, 'another contact is another message');

  now += 60_001;
  const later = await adapter.send(message('Hello World'), context);
  t.not(later.mId, first.mId, 'the same text after the window is a new message (a contact may be sent "OK" twice)');
  t.equal((await lines(file)).length, 3);
  await adapter.close?.();
});

t.test('idempotency survives a restart; a torn last line is skipped and closed off', async (t) => {
  const file = join(t.testdir(), 'outbox.ndjson');
  let now = 1_700_000_000_000;
  const first = await createOutboxAdapter({ file, now: () => now });
  const { mId } = await first.send(message('before the crash'), context);
  await first.close?.();
  await appendFile(file, '{"MessageID":"torn'); // a crash in the middle of a write

  now += 1000;
  const second = await createOutboxAdapter({ file, now: () => now });
  t.equal((await second.send(message('before the crash'), context)).mId, mId, 'the resend after the restart is recognised');
  await second.send(message('after the restart'), context);
  await second.close?.();
  const text = await readFile(file, 'utf8');
  const parsed = text.split('\n').filter(Boolean).map((line) => { try { return JSON.parse(line) as { Message: { text: string } }; } catch { return 'torn'; } });
  t.same(parsed.map((row) => (row === 'torn' ? row : row.Message.text)), ['before the crash', 'torn', 'after the restart'], 'the torn line did not swallow the next one');
});

t.test('a write failure is a 503 for respond.io, which may resend', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'outbox.ndjson');
  await writeFile(file, '');
  const adapter = await createOutboxAdapter({ file });
  await adapter.close?.(); // the handle is gone: the next write fails
  const app = await buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', adapter: { name: adapter.name, send: adapter.send } });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/message', headers: { authorization: `Bearer ${TOKEN}` }, payload: message('x') });
  t.equal(response.statusCode, 503);
  t.match(response.json(), { error: { message: /outbox file could not be written/ } });
});

t.test('through the server: 200 { mId } after the line is written; a resend gets the same mId', async (t) => {
  const file = join(t.testdir(), 'outbox.ndjson');
  const app = await buildCustomChannelServer({ channelId: CHANNEL_ID, apiToken: TOKEN, idType: 'Phone Number', adapter: await createOutboxAdapter({ file }) });
  t.teardown(() => app.close());
  const post = () => app.inject({ method: 'POST', url: '/message', headers: { authorization: `Bearer ${TOKEN}` }, payload: message('Hello World') });
  const first = await post();
  t.equal(first.statusCode, 200);
  t.equal((await lines(file))[0]?.MessageID, first.json().mId, 'the line is there when 200 is answered');
  t.same((await post()).json(), first.json());
  t.equal((await lines(file)).length, 1);
});
