import { Writable } from 'node:stream';
import t from 'tap';
import { csvFormatter } from '../../batch/output/csv-writer.js';
import { jsonArrayFormatter } from '../../batch/output/json-array-writer.js';
import { ndjsonFormatter } from '../../batch/output/ndjson-writer.js';
import { formatterFor } from '../../batch/output/open-output.js';
import { finish, writeText } from '../../batch/output/write.js';

// The formatters and the write helper on their own (test/cli/run-formats.test.ts runs them through the CLI).
const columns = [
  { name: 'A', dataType: 'String', allowNull: true, description: '' },
  { name: 'J', dataType: 'JSON v1.0.0', allowNull: true, description: '' },
];

t.test('JSON array: [ first, one row a line with commas between, ] last; a resumed output goes on after a comma', async (t) => {
  const empty = jsonArrayFormatter();
  t.equal(empty.header() + empty.footer(), '[]\n', 'no rows');
  const format = jsonArrayFormatter();
  const text = format.header() + format.row({ a: 1 }) + format.row({ a: 2 }) + format.footer();
  t.equal(text, '[\n{"a":1},\n{"a":2}\n]\n');
  t.same(JSON.parse(text), [{ a: 1 }, { a: 2 }]);
  const resumed = jsonArrayFormatter(2);
  t.equal(resumed.row({ a: 3 }) + resumed.footer(), ',\n{"a":3}\n]\n', 'after 2 rows already written');
  t.equal(jsonArrayFormatter(2).footer(), '\n]\n', 'a resumed output with no new row still closes after its last row');
});

t.test('NDJSON: no header or footer, one JSON row a line', async (t) => {
  const format = ndjsonFormatter();
  t.equal(format.header(), '');
  t.equal(format.row({ a: 'x\ny' }), '{"a":"x\\ny"}\n');
  t.equal(format.footer(), '');
});

t.test('CSV: objects are JSON text in any column, booleans are words, undefined is an empty cell, no footer', async (t) => {
  const format = csvFormatter(columns);
  t.equal(format.row({ A: { k: 1 }, J: 5 }), '"{""k"":1}",5\n', 'an object in a string column; a number in a JSON column is JSON text');
  t.equal(format.row({ A: true, J: false }), 'true,false\n');
  t.equal(format.row({ J: null }), ',\n', 'missing and null are empty cells');
  t.equal(format.row({ A: 'x', J: 'y', Other: 'dropped' }), 'x,"""y"""\n', 'only the schema columns');
  t.equal(format.footer(), '');
});

t.test('formatterFor picks the formatter of the format', async (t) => {
  t.equal(formatterFor('csv', columns).header(), 'A,J\n');
  t.equal(formatterFor('json', columns).header(), '[');
  t.equal(formatterFor('json', columns, 1).row({ a: 1 }), ',\n{"a":1}', 'rows before are passed on');
  t.equal(formatterFor('ndjson', columns).row({ a: 1 }), '{"a":1}\n');
});

/** A Writable whose writes complete only when the test releases them (a slow consumer, without sleeps). */
function gatedStream(): { stream: Writable; chunks: string[]; release(): void } {
  const chunks: string[] = [];
  const held: Array<() => void> = [];
  const stream = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      held.push(() => callback());
    },
  });
  return { stream, chunks, release: () => held.splice(0).forEach((done) => done()) };
}

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

t.test('writeText waits for drain when the buffer is full, and fails at once on a closed output', async (t) => {
  const { stream, chunks, release } = gatedStream();
  t.equal(await settledYet(writeText(stream, 'ab')), true, 'under the high-water mark: no wait');
  const full = writeText(stream, 'cdefgh');
  t.equal(await settledYet(full), false, 'past it: waits for the consumer');
  release();
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await full;
  t.same(chunks, ['ab', 'cdefgh']);

  const closing = gatedStream();
  const waiting = writeText(closing.stream, 'more than four');
  closing.stream.destroy();
  await t.rejects(waiting, /the output was closed/, 'closed while waiting for drain');
  await t.rejects(writeText(closing.stream, 'x'), /the output is closed/);
  const ended = gatedStream();
  ended.stream.end();
  await t.rejects(writeText(ended.stream, 'x'), /the output is closed/, 'ended: closed too');
});

t.test('finish: an owned output is ended and closed; a borrowed one (stdout) is only drained, never ended', async (t) => {
  const owned = gatedStream();
  owned.stream.write('x');
  const ending = finish(owned.stream, true);
  t.equal(await settledYet(ending), false, 'waits until the file is closed');
  owned.release();
  await ending;
  t.ok(owned.stream.writableFinished && owned.stream.closed, 'ended and closed');
  await finish(owned.stream, true); // already finished: returns

  const borrowed = gatedStream();
  borrowed.stream.write('more than four');
  const draining = finish(borrowed.stream, false);
  t.equal(await settledYet(draining), false, 'waits for the buffered text to drain');
  borrowed.release();
  await draining;
  t.notOk(borrowed.stream.writableEnded, 'stdout is not ended');
  t.equal(await settledYet(finish(borrowed.stream, false)), true, 'nothing buffered: returns at once');
});
