import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cli, parseNdjson } from './harness.js';

// A messy NDJSON file: a BOM, a blank line, a malformed line in the middle, a line that is JSON but not an object,
// and a last line without a newline. The contract: one error row (400) per bad line, naming the line; the rest run.
const messy = '\uFEFF{"Identifier":"id:1"}\n\n{"Identifier": id:2}\n42\r\n{"Identifier":"id:5"}';

async function messyFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-malformed-'));
  const file = join(dir, 'rows.ndjson');
  await writeFile(file, messy);
  return file;
}

t.test('Do not fail: every good row runs, each bad line is an error row naming its line, exit 0', async (t) => {
  const run = await cli(['run', 'fake-contact', '--input', await messyFile(), '--error-behavior', 'do-not-fail-and-return-response']);
  t.equal(run.code, 0, 'exit 0', { stderr: run.stderr });
  const rows = parseNdjson(run.stdout);
  t.same(rows.map((row) => [row.StatusCode, row.ID]), [[200, 1], [400, null], [400, null], [200, 5]]);
  t.match(rows[1]?.Message, /^line 3: not valid JSON: /);
  t.equal(rows[2]?.Message, 'invalid input row: a row must be a JSON object (got the number 42)');
  t.match(run.stderr, /succeeded with errors · task status 202/);
  t.match(run.stderr, /rows read 4 · rows emitted 4 · error rows 2/, 'the blank line is not a row');
});

t.test('Fail and return response: stops at the bad line with its error row; input failed (307), exit 1', async (t) => {
  const run = await cli(['run', 'fake-contact', '--input', await messyFile()]);
  t.equal(run.code, 1);
  const rows = parseNdjson(run.stdout);
  t.same(rows.map((row) => row.StatusCode), [200, 400]);
  t.match(rows[1]?.Message, /^line 3: /);
  t.match(run.stderr, /failed · task status 307/);
  t.match(run.stderr, /failed at row 2: RC_MALFORMED_INPUT_LINE 400 line 3: not valid JSON/);
});

t.test('Fail without response: the bad line is only on stderr', async (t) => {
  const run = await cli(['run', 'fake-contact', '--input', await messyFile(), '--error-behavior', 'fail-without-response']);
  t.equal(run.code, 1);
  t.same(parseNdjson(run.stdout).map((row) => row.ID), [1]);
  t.match(run.stderr, /failed at row 2: RC_MALFORMED_INPUT_LINE 400 line 3/);
});

t.test('CSV: BOM, CRLF, a blank line, a record with too many fields, an empty Identifier, no final newline', async (t) => {
  const csv = '\uFEFFIdentifier,Note\r\nid:1,a\r\n\r\nid:2,b,extra\r\n,c\r\n"",d\r\nid:7,e';
  const run = await cli(['run', 'fake-contact', '-f', 'csv', '--error-behavior', 'do-not-fail-and-return-response'], { stdin: csv });
  t.equal(run.code, 0);
  const lines = run.stdout.trimEnd().split('\n');
  t.equal(lines.length, 6, 'a header and one row per record');
  t.match(lines[1], /^200,,1,/);
  t.match(lines[2], /^400,"line 4: not valid CSV: Invalid Record Length: columns length is 2, got 3 on line 4"/);
  t.match(lines[3], /^400,invalid input row: column 'Identifier' does not allow null,/, 'an unquoted empty cell is null');
  t.match(lines[4], /^400,"invalid input row: column 'Identifier' must be id:<number>, email:<address> or phone:<\+E\.164> \(got """"\)"/, 'a quoted empty cell is the empty string');
  t.match(lines[5], /^200,,7,/);
});

t.test('JSON array: a bad element is an error row naming its line; the next element is read', async (t) => {
  const json = '[\n  {"Identifier": "id:1"},\n  {"Identifier": nope},\n  {"Identifier": "id:3"}\n]\n';
  const run = await cli(['run', 'fake-contact', '-f', 'json', '--error-behavior', 'do-not-fail-and-return-response'], { stdin: json });
  t.equal(run.code, 0);
  const rows = JSON.parse(run.stdout) as { StatusCode: number; Message: string | null }[];
  t.same(rows.map((row) => row.StatusCode), [200, 400, 200]);
  t.match(rows[1]?.Message, /^line 3: array element is not valid JSON/);
});

t.test('JSON array: a truncated file fails the run as input failed (307), after the rows it had, with valid JSON out', async (t) => {
  const run = await cli(['run', 'fake-contact', '-f', 'json', '--error-behavior', 'do-not-fail-and-return-response'], { stdin: '[{"Identifier":"id:1"},\n{"Identifier":"id:2' });
  t.equal(run.code, 1);
  t.same((JSON.parse(run.stdout) as { ID: number }[]).map((row) => row.ID), [1]);
  t.match(run.stderr, /failed · task status 307/);
  t.match(run.stderr, /the JSON array is not closed: the element starting on line 2 runs to the end of the input/);
});

t.test('JSON format given NDJSON: the run fails with a hint', async (t) => {
  const run = await cli(['run', 'fake-contact', '-f', 'json'], { stdin: '{"Identifier":"id:1"}\n' });
  t.equal(run.code, 1);
  t.equal(run.stdout, '[]\n');
  t.match(run.stderr, /the input is not a JSON array: it starts with "\{" \(one object per line is NDJSON: use --format ndjson\)/);
});

t.test('CSV: one error row per bad record even when csv-parse reports several bad fields in it', async (t) => {
  // An NDJSON file read as CSV: every field of every line has a stray quote.
  const stdin = 'Identifier\n{"Identifier":"id:1"}\nid:2\n{"Identifier":"id:3"}\n';
  const run = await cli(['run', 'fake-contact', '-f', 'csv', '--error-behavior', 'do-not-fail-and-return-response'], { stdin });
  t.equal(run.code, 0);
  const lines = run.stdout.trimEnd().split('\n').slice(1);
  t.equal(lines.length, 3, 'three records, three output rows');
  t.match(lines[0], /^400,"line 2: not valid CSV: Invalid Opening Quote/);
  t.match(lines[1], /^200,,2,/);
  t.match(lines[2], /^400,"line 4: not valid CSV/);
});

t.test('CSV: a quote that never closes fails the run as input failed (307), after the rows before it', async (t) => {
  const run = await cli(['run', 'fake-contact', '-f', 'csv', '--error-behavior', 'do-not-fail-and-return-response'], { stdin: 'Identifier\nid:1\n"id:2\nid:3\n' });
  t.equal(run.code, 1);
  t.match(run.stdout, /^StatusCode,.*\n200,,1,/);
  t.equal(run.stdout.trimEnd().split('\n').length, 2, 'the header and row 1');
  t.match(run.stderr, /failed · task status 307/);
  t.match(run.stderr, /a quote that opens a field never closes/);
});
