import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { buildSimulator } from '../../simulator/index.js';
import { authOf } from './helpers.js';

/** The demo's sample inputs must stay true to the default seed: good rows exist, not-found rows do not. */
const sim = buildSimulator({ limits: false }); // default seed and contact count, as the demo runs it
t.teardown(() => sim.app.close());

const examples = new URL('../../examples/', import.meta.url);
const ndjson = async (name: string): Promise<Array<Record<string, string>>> =>
  (await readFile(new URL(name, examples), 'utf8')).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, string>);
const csv = async (name: string): Promise<Array<Record<string, string>>> => parse(await readFile(new URL(name, examples), 'utf8'), { columns: true }) as Array<Record<string, string>>;

const statusOf = async (url: string): Promise<number> => (await sim.app.inject({ url, headers: authOf(sim) })).statusCode;
// The connectors send the value URL-encoded (phone:+6… → phone:%2B6…); the simulator accepts both forms anyway.
const segment = (identifier: string): string => {
  const colon = identifier.indexOf(':');
  return colon < 0 ? encodeURIComponent(identifier) : `${identifier.slice(0, colon)}:${encodeURIComponent(identifier.slice(colon + 1))}`;
};

t.test('get-contact samples: 5 found, 1 not found, 1 malformed; CSV = NDJSON', async (t) => {
  const rows = await ndjson('get-contact.ndjson');
  t.same(await csv('get-contact.csv'), rows, 'the CSV has the same rows under the header Identifier');
  const statuses = [];
  for (const row of rows) {
    t.same(Object.keys(row), ['Identifier']);
    statuses.push(await statusOf(`/v2/contact/${segment(String(row.Identifier))}`));
  }
  t.same(statuses, [200, 200, 200, 200, 200, 404, 400]);
});

t.test('get-message samples: 5 found, 2 not found, 1 malformed identifier; CSV = NDJSON', async (t) => {
  const rows = await ndjson('get-message.ndjson');
  t.same(await csv('get-message.csv'), rows, 'the CSV has the same rows under the header Identifier,MessageID');
  const statuses = [];
  for (const row of rows) {
    t.same(Object.keys(row), ['Identifier', 'MessageID']);
    t.match(row.MessageID, /^[1-9][0-9]*$/, 'MessageID is a positive integer in a string');
    statuses.push(await statusOf(`/v2/contact/${segment(String(row.Identifier))}/message/${row.MessageID}`));
  }
  t.same(statuses, [200, 200, 200, 200, 200, 404, 404, 400]);
  const found = rows.slice(0, 5).map((row) => sim.data.message(Number(row.MessageID)));
  t.ok(found.some((m) => m?.traffic === 'incoming') && found.some((m) => m?.traffic === 'outgoing'), 'both traffic directions');
  t.ok(found.some((m) => typeof m?.channelMessageId === 'number'), 'a numeric channelMessageId');
  t.ok(sim.data.message(Number(rows[5]?.MessageID)), 'the 6th row names a real message, of another contact');
});
