import { PassThrough } from 'node:stream';
import t from 'tap';
import { main } from '../../hosts/cli/main.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';

// End to end through the real CLI, plugin, connectors and client against the simulator at its documented limits:
// List Contacts over several pages, List Users with no input rows, Create Or Update Contact read back by Get Contact.

async function cli(simulator: RunningSimulator, argv: string[], stdin: string): Promise<{ code: number; rows: Record<string, unknown>[]; stderr: string }> {
  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  let err = '';
  streams.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  streams.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  streams.stdin.end(stdin);
  const code = await main([...argv, '--base-url', simulator.baseUrl], { ...streams, env: { RESPONDIO_TOKEN: simulator.token } });
  return { code, rows: out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>), stderr: err };
}

t.test('List Contacts lists 250 contacts over 3 pages (limit 99) with zero 429s, one row per contact', async (t) => {
  const simulator = await startSimulator({ contacts: 250 });
  t.teardown(() => simulator.close());
  const run = await cli(simulator, ['run', 'list-contacts'], '{}\n');
  t.equal(run.code, 0, run.stderr);
  t.equal(run.rows.length, 250, 'one row per contact');
  t.same(new Set(run.rows.map((row) => row.ID)), new Set(simulator.data.contacts.map((contact) => contact.id)), 'every contact, once');
  t.ok(run.rows.every((row) => row.StatusCode === 200 && row.Message === null));
  const pages = simulator.stats.log.filter((entry) => entry.endpoint === 'POST /contact/list');
  t.equal(pages.length, 3, 'three page requests');
  t.ok(pages.every((entry) => entry.url?.includes('limit=99')), 'each asks for 99');
  t.same(pages.map((entry) => entry.url?.includes('cursorId=')), [false, true, true], 'pages 2 and 3 follow the cursor');
  t.equal(simulator.stats.totalRateLimited, 0, 'no 429 was sent');
});

t.test('List Contacts: a filter narrows the rows; a search matching nothing gives zero rows and a succeeded run', async (t) => {
  const simulator = await startSimulator({ contacts: 40 });
  t.teardown(() => simulator.close());
  const someone = simulator.data.contacts[7];
  t.ok(someone?.email);
  const filter = { Filters: { FilterAnd: [{ Category: 'contactField', Field: 'email', Operator: 'isEqualTo', Value: someone?.email }] } };
  const narrowed = await cli(simulator, ['run', 'list-contacts'], JSON.stringify(filter) + '\n');
  t.same(narrowed.rows.map((row) => row.ID), [someone?.id], 'only the contact with that email');
  const none = await cli(simulator, ['run', 'list-contacts'], JSON.stringify({ Search: 'no-such-contact-zzz' }) + '\n');
  t.equal(none.code, 0, none.stderr);
  t.same(none.rows, [], 'zero contacts: zero rows');
});

t.test('List Users runs once when given no rows, once per {} row, and lists every user', async (t) => {
  const simulator = await startSimulator({ contacts: 10 });
  t.teardown(() => simulator.close());
  const users = simulator.data.users;
  const once = await cli(simulator, ['run', 'list-users'], '');
  t.equal(once.code, 0, once.stderr);
  t.same(once.rows.map((row) => (row.Items as { ID: number }).ID).sort((a, b) => a - b), users.map((user) => user.id), 'every user once, with no input rows');
  t.ok(once.rows.every((row) => row.StatusCode === 200));
  const twice = await cli(simulator, ['run', 'list-users'], '{}\n{}\n');
  t.equal(twice.rows.length, 2 * users.length, 'two input rows: the list twice');
  const wired = await cli(simulator, ['run', 'list-users', '--error-behavior', 'Do not fail and return response'], '{"Identifier":"id:1"}\n');
  t.match(wired.rows, [{ StatusCode: 400, Message: /Identifier/, Items: null }], 'a row with columns is refused, naming the column');
  t.equal(simulator.stats.totalRateLimited, 0);
});

t.test('Create Or Update Contact writes a contact that Get Contact then reads back', async (t) => {
  const simulator = await startSimulator({ contacts: 10 });
  t.teardown(() => simulator.close());
  const contact = { Identifier: 'email:new.person@example.com', FirstName: 'New', LastName: 'Person', Email: 'new.person@example.com', Language: 'ms', CountryCode: 'MY', CustomFields: [{ name: 'order_id', value: 'B-9' }] };
  const written = await cli(simulator, ['run', 'create-or-update-contact'], JSON.stringify(contact) + '\n');
  t.equal(written.code, 0, written.stderr);
  const id = written.rows[0]?.ContactID;
  t.type(id, 'number');
  const read = await cli(simulator, ['run', 'get-contact'], JSON.stringify({ Identifier: `id:${String(id)}` }) + '\n');
  t.match(read.rows, [{ StatusCode: 200, ID: id, FirstName: 'New', LastName: 'Person', Email: 'new.person@example.com', Language: 'ms', CountryCode: 'MY' }]);
  t.match(read.rows[0]?.CustomFields, [{ name: 'order_id', value: 'B-9' }]);
  const refused = await cli(simulator, ['run', 'create-or-update-contact', '--error-behavior', 'Do not fail and return response'], JSON.stringify({ ...contact, CountryCode: 'Malaysia' }) + '\n');
  t.match(refused.rows, [{ StatusCode: 400, Message: /CountryCode/, ContactID: null }], 'checked by the schema');
  t.equal(simulator.stats.endpoints['POST /contact/create_or_update/{identifier}']?.requests, 1, 'the refused row made no request');
});

t.test('describe --json lists the six connectors with their Integray names and ids', async (t) => {
  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  streams.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  streams.stdin.end('');
  t.equal(await main(['describe', '--json'], { ...streams, env: {} }), 0);
  const list = JSON.parse(out) as { id: string; name: string; input: { name: string } }[];
  t.same(list.map((c) => [c.id, c.name]).sort(), [
    ['create-or-update-contact', 'Respond.io - Create Or Update Contact'],
    ['custom-channel-send-event', 'Respond.io - Custom Channel Send Event'],
    ['get-contact', 'Respond.io - Get Contact'],
    ['get-message', 'Respond.io - Get Message'],
    ['list-contacts', 'Respond.io - List Contacts'],
    ['list-users', 'Respond.io - List Users'],
  ]);
  t.equal(list.find((c) => c.id === 'list-users')?.input.name, 'Respond.io - No Input');
});
