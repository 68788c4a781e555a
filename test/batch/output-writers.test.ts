import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { libraryNames } from '../../batch/library-run.js';
import { csvFormatter } from '../../batch/output/csv-writer.js';
import { jsonArrayFormatter } from '../../batch/output/json-array-writer.js';
import { ndjsonFormatter } from '../../batch/output/ndjson-writer.js';
import { formatterFor, openOutput, unsyncable } from '../../batch/output/open-output.js';
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
  const resumedOne = jsonArrayFormatter(1);
  t.equal(resumedOne.row({ a: 2 }) + resumedOne.row({ a: 3 }), ',\n{"a":2},\n{"a":3}', 'every new row of a resumed output after a comma');
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

/** A Writable that takes every write at once (stdout into a fast consumer). */
function collectingStream(): { stream: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, chunks };
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

t.test('writeText leaves no listener behind: many drains, and a close while waiting', async (t) => {
  const { stream, release } = gatedStream();
  const before = { drain: stream.listenerCount('drain'), close: stream.listenerCount('close'), error: stream.listenerCount('error') };
  for (let i = 0; i < 20; i++) {
    const full = writeText(stream, 'past the mark');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await full;
  }
  t.same({ drain: stream.listenerCount('drain'), close: stream.listenerCount('close'), error: stream.listenerCount('error') }, before, 'after 20 drains');
  const waiting = writeText(stream, 'past the mark again');
  stream.destroy();
  await t.rejects(waiting, /the output was closed/);
  t.same({ drain: stream.listenerCount('drain'), close: stream.listenerCount('close') }, { drain: before.drain, close: before.close }, 'after a close while waiting for drain');
});

// openOutput on real files: what lands in the file, where a resumed output goes on, and what it refuses.
const dir = mkdtempSync(join(tmpdir(), 'open-output-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('a new JSON output: rows reach the file by sync(), position counts bytes and rows, end closes the array', async (t) => {
  const path = join(dir, 'new.json');
  const writer = await openOutput(path, undefined, 'json', columns, libraryNames);
  for (const a of [1, 2, 3]) await writer.write({ a });
  // No event-loop turn since the writes: only sync() (the empty write's callback, then fsync) puts them all in the file.
  await writer.sync();
  const text = '[\n{"a":1},\n{"a":2},\n{"a":3}';
  t.equal(readFileSync(path, 'utf8'), text, 'every row written so far is in the file after sync()');
  t.same(writer.position(), { bytes: Buffer.byteLength(text), rows: 3 });
  await writer.end();
  t.same(JSON.parse(readFileSync(path, 'utf8')), [{ a: 1 }, { a: 2 }, { a: 3 }]);
});

t.test('a resumed output: cut back to the committed bytes, appended to, no second header, commas go on', async (t) => {
  const path = join(dir, 'resumed.json');
  const committed = '[\n{"a":1}';
  writeFileSync(path, `${committed},\n{"a":2, "torn`);
  const writer = await openOutput(path, undefined, 'json', columns, libraryNames, { bytes: Buffer.byteLength(committed), rows: 1 });
  t.same(writer.position(), { bytes: Buffer.byteLength(committed), rows: 1 }, 'it starts where the journal committed');
  await writer.write({ a: 3 });
  await writer.write({ a: 4 });
  await writer.end();
  t.equal(readFileSync(path, 'utf8'), '[\n{"a":1},\n{"a":3},\n{"a":4}\n]\n', 'the torn line is gone; the new rows follow the committed one');

  const csvPath = join(dir, 'resumed.csv');
  writeFileSync(csvPath, 'A,J\nx,1\n');
  const csv = await openOutput(csvPath, undefined, 'csv', columns, libraryNames, { bytes: 8, rows: 1 });
  await csv.write({ A: 'y', J: 2 });
  await csv.end();
  t.equal(readFileSync(csvPath, 'utf8'), 'A,J\nx,1\ny,2\n', 'a CSV header is not written again');

  const exact = join(dir, 'exact.ndjson');
  writeFileSync(exact, '{"a":1}\n');
  const whole = await openOutput(exact, undefined, 'ndjson', columns, libraryNames, { bytes: 8, rows: 1 });
  await whole.end();
  t.equal(readFileSync(exact, 'utf8'), '{"a":1}\n', 'an output exactly as long as the journal says is resumed as it is');
});

t.test('a resumed output that is missing or shorter than the journal: RC_CHECKPOINT_MISMATCH, in the caller\'s words', async (t) => {
  const missing = join(dir, 'missing.json');
  await t.rejects(openOutput(missing, undefined, 'json', columns, libraryNames, { bytes: 5, rows: 1 }), {
    code: 'RC_CHECKPOINT_MISMATCH',
    message: `output.file ${JSON.stringify(missing)} cannot be resumed: ENOENT (use checkpoint: { file, restart: true } to start over)`,
  });
  t.notOk(existsSync(missing), 'nothing was created');
  const short = join(dir, 'short.json');
  writeFileSync(short, '[\n');
  await t.rejects(openOutput(short, undefined, 'json', columns, libraryNames, { bytes: 3, rows: 1 }), {
    code: 'RC_CHECKPOINT_MISMATCH',
    message: `output.file ${JSON.stringify(short)} holds 2 bytes, fewer than the 3 the checkpoint journal committed: it was changed since (use checkpoint: { file, restart: true } to start over)`,
  });
  t.equal(readFileSync(short, 'utf8'), '[\n', 'and it was left as it was');
  await t.rejects(openOutput(join(dir, 'no-such-dir', 'out.json'), undefined, 'json', columns, libraryNames), { code: 'RC_INVALID_OPTION', message: /output\.file ".*out\.json" cannot be written: ENOENT/ });
});

t.test("'-' is stdout when there is one; with none (the library) it is a file of that name", async (t) => {
  const { stream: stdout, chunks } = collectingStream();
  const borrowed = await openOutput('-', stdout, 'ndjson', columns, libraryNames);
  await borrowed.write({ a: 1 });
  await borrowed.sync(); // a no-op: nothing to fsync
  await borrowed.end();
  t.same(chunks, ['{"a":1}\n']);
  t.notOk(stdout.writableEnded, 'stdout is not ended');
  const cwd = process.cwd();
  process.chdir(dir);
  t.teardown(() => process.chdir(cwd));
  const file = await openOutput('-', undefined, 'ndjson', columns, libraryNames);
  await file.write({ a: 2 });
  await file.end();
  t.equal(readFileSync(join(dir, '-'), 'utf8'), '{"a":2}\n');
});

t.test('an error on the output (EPIPE from `| head`) is kept and thrown at the next write, not left unhandled', async (t) => {
  const { stream } = collectingStream();
  const writer = await openOutput('-', stream, 'ndjson', columns, libraryNames);
  await writer.write({ a: 1 });
  const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  stream.emit('error', epipe);
  stream.emit('error', new Error('a later error'));
  await t.rejects(writer.write({ a: 2 }), epipe, 'the first error, at the next write');
});

t.test('fsync errors that only mean "nothing to make durable" (a device, a pipe) are not failures', async (t) => {
  t.equal(unsyncable(Object.assign(new Error('x'), { code: 'EINVAL' })), true, 'EINVAL: -o /dev/null');
  t.equal(unsyncable(Object.assign(new Error('x'), { code: 'ENOTSUP' })), true);
  t.equal(unsyncable(Object.assign(new Error('x'), { code: 'EIO' })), false, 'a disk error is one');
});
