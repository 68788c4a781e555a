import fc from 'fast-check';
import t from 'tap';
import { MalformedInput } from '../../runtime/pipeline.js';
import { readJsonArray } from '../../batch/input/json-array-reader.js';
import { readNdjson } from '../../batch/input/ndjson-reader.js';
import { propertyRuns } from '../helpers/seed.js';

async function collect(chunks: string[], read = readJsonArray): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of read((async function* () { yield* chunks; })())) out.push(item);
  return out;
}

/** Cuts a text into chunks at the given positions: the reader must not care where chunk boundaries fall. */
function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

t.test('the streamed JSON array reader yields exactly JSON.parse of the whole, wherever the chunks are cut', async (t) => {
  // Strings full of the characters the scanner tracks (quotes, escapes, brackets, commas, newlines).
  const tricky = fc.stringMatching(/^[a-z"\\,\[\]{}\n :]{0,12}$/);
  const row = fc.dictionary(fc.constantFrom('Identifier', 'Note', 'x'), fc.oneof(tricky, fc.integer(), fc.constant(null), fc.array(tricky, { maxLength: 3 })));
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 6 }), fc.constantFrom(0, 2), fc.array(fc.nat(), { maxLength: 8 }), async (rows, indent, cuts) => {
      const text = JSON.stringify(rows, null, indent);
      t.same(await collect(split(text, cuts)), JSON.parse(text));
    }),
    propertyRuns(300),
  );
});

t.test('malformed elements become MalformedInput with the line they start on; the rest is read', async (t) => {
  const items = await collect(['[1,\n', ' {"a": },\n  ,\n', ' "ok", 2 ]']);
  t.equal(items[0], 1);
  t.ok(items[1] instanceof MalformedInput);
  t.equal((items[1] as MalformedInput).line, 2);
  t.equal((items[2] as MalformedInput).reason, 'empty array element (two commas in a row)');
  t.same(items.slice(3), ['ok', 2]);
  const trailing = await collect(['[1,]']);
  t.equal((trailing[1] as MalformedInput).reason, 'empty array element (a comma before "]")');
});

t.test('a BOM and surrounding whitespace are fine; empty input is no rows; text after "]" throws', async (t) => {
  t.same(await collect(['\uFEFF  [ {"a":"]"} ]  \n']), [{ a: ']' }]);
  t.same(await collect(['  \n']), []);
  await t.rejects(collect(['[1] 2']), /line 1: unexpected text after the end of the JSON array/);
});

t.test('NDJSON reader: line numbers survive blank lines, CRLF and a BOM; a long bad line gives a short reason', async (t) => {
  const items = await collect(['\uFEFF{"a":1}\r\n', '\r\n{"a":', '2}\n', 'x'.repeat(5000)], readNdjson);
  t.same(items.slice(0, 2), [{ a: 1 }, { a: 2 }]);
  const bad = items[2] as MalformedInput;
  t.equal(bad.line, 4);
  t.ok(bad.reason.length < 200, 'reason is cut');
});
