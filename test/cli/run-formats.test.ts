import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cli, ndjson, parseNdjson } from './harness.js';

const input = [{ Identifier: 'id:1' }, { Identifier: 'id:2' }, { Identifier: 'id:3' }];

t.test('NDJSON in, NDJSON out: one output row per line, in input order, summary on stderr', async (t) => {
  // Per-row latency reorders completion; the output must still follow the input.
  const { code, stdout, stderr } = await cli(['run', 'fake-contact', '--concurrency', '3'], {
    stdin: ndjson(input),
    fake: { delay: (id) => (id === 'id:1' ? 30 : 1) },
  });
  t.equal(code, 0, "exit 0", { stderr });
  t.ok(stdout.endsWith('\n'));
  t.same(parseNdjson(stdout).map((row) => [row.StatusCode, row.ID]), [[200, 1], [200, 2], [200, 3]]);
  t.match(stderr, /run fake-contact: succeeded · task status 200 · Fail and return response/);
  t.match(stderr, /rows read 3 · rows emitted 3 · error rows 0 · requests 3 · retries 0 · rate-limited 0 \(waited 0 ms\) · took \d+/);
});

t.test('a JSON array in gives a JSON array out', async (t) => {
  const { code, stdout } = await cli(['run', 'fake-contact', '--format', 'json'], { stdin: JSON.stringify(input, null, 2) });
  t.equal(code, 0);
  const rows = JSON.parse(stdout) as { ID: number }[];
  t.same(rows.map((row) => row.ID), [1, 2, 3]);
});

t.test('an empty JSON array in gives [] out, status 201 (no data)', async (t) => {
  const { code, stdout, stderr } = await cli(['run', 'fake-contact', '--format', 'json'], { stdin: ' [ ] ' });
  t.equal(code, 0);
  t.equal(stdout, '[]\n');
  t.match(stderr, /succeeded · task status 201/);
});

t.test('CSV in, CSV out: header in the output schema order, JSON columns as JSON text, null as an empty cell', async (t) => {
  const { code, stdout, stderr } = await cli(['run', 'fake-contact', '-f', 'csv'], { stdin: 'Identifier,Note\nid:1,"a, b"\nid:22,x\n' });
  t.equal(code, 0, "exit 0", { stderr });
  const lines = stdout.trimEnd().split('\n');
  t.equal(lines[0], 'StatusCode,Message,ID,Status,Tags,Assignee,CreatedAt,FirstName,LastName,Phone,Email,Language,ProfilePictureUrl,CountryCode,CustomFields');
  t.equal(lines[1], '200,,1,open,,,2022-09-15T20:34:41.000Z,id:1,,,,,,,');
  t.equal(lines[2], '200,,22,open,,,2022-09-15T20:34:41.000Z,id:22,,,,,,,');
  t.equal(lines.length, 3);
});

t.test('CSV writer: a JSON column holds JSON text, the empty string is "" and reads back as itself', async (t) => {
  const { csvFormatter } = await import('../../batch/output/csv-writer.js');
  const { castCell } = await import('../../batch/input/csv-reader.js');
  const columns = [
    { name: 'Tags', dataType: 'JSON v1.0.0', allowNull: true, description: '' },
    { name: 'Name', dataType: 'String', allowNull: true, description: '' },
    { name: 'N', dataType: 'Integer', allowNull: true, description: '' },
  ];
  const format = csvFormatter(columns);
  t.equal(format.header(), 'Tags,Name,N\n');
  t.equal(format.row({ Tags: ['vip', 'a,b'], Name: '', N: 3 }), '"[""vip"",""a,b""]","",3\n');
  t.equal(format.row({ Tags: 'text', Name: null, N: null }), '"""text""",,\n', 'a JSON string keeps its quotes');
  t.same(castCell('["vip","a,b"]', true, 'JSON v1.0.0'), ['vip', 'a,b']);
  t.equal(castCell('', true, 'String'), '', 'quoted empty → empty string');
  t.equal(castCell('', false, 'String'), null, 'unquoted empty → null');
  t.equal(castCell('12', false, 'Integer'), 12);
  t.equal(castCell('12x', false, 'Integer'), '12x', 'left as text for the validation to name');
  t.same(castCell('{"FilterAnd":[]}', true, 'Respond.io - Filters v1.2.0'), { FilterAnd: [] }, 'a nested schema cell is JSON text');
  t.same(castCell('[{"name":"a","value":1}]', true, 'List of Respond.io - Custom Field v1.0.0'), [{ name: 'a', value: 1 }], 'a list cell is JSON text');
  t.equal(castCell('{"x":1}', true, undefined), '{"x":1}', 'a column the schema does not name stays text');
  t.equal(castCell('2024-01-01T00:00:00Z', true, 'DateTime'), '2024-01-01T00:00:00Z');
});

t.test('--input and --output files; the format comes from the input extension', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rc-cli-'));
  const file = join(dir, 'rows.csv');
  const out = join(dir, 'out.csv');
  await writeFile(file, '\uFEFFIdentifier\r\nid:5\r\n');
  const { code, stdout, stderr } = await cli(['run', 'fake-contact', '--input', file, '--output', out]);
  t.equal(code, 0, "exit 0", { stderr });
  t.equal(stdout, '', 'rows went to the file, not stdout');
  const text = await readFile(out, 'utf8');
  t.match(text, /^StatusCode,Message,ID/);
  t.match(text, /\n200,,5,open,/);
});

t.test('the output format follows the --output extension; without one, the input format', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rc-cli-'));
  const file = join(dir, 'rows.json');
  await writeFile(file, JSON.stringify(input));
  const ndjsonOut = join(dir, 'out.ndjson');
  t.equal((await cli(['run', 'fake-contact', '--input', file, '-o', ndjsonOut])).code, 0);
  const lines = (await readFile(ndjsonOut, 'utf8')).trimEnd().split('\n');
  t.equal(lines.length, input.length, 'one line per row: NDJSON, not a JSON array');
  t.match(JSON.parse(lines[0] ?? ''), { StatusCode: 200 });
  const plain = join(dir, 'out');
  t.equal((await cli(['run', 'fake-contact', '--input', file, '-o', plain])).code, 0);
  t.match(await readFile(plain, 'utf8'), /^\[/, 'no extension: the input format (a JSON array)');
  const forced = join(dir, 'forced.csv');
  t.equal((await cli(['run', 'fake-contact', '--input', file, '-o', forced, '--format', 'json'])).code, 0);
  t.match(await readFile(forced, 'utf8'), /^\[/, '--format wins over both extensions');
});

t.test('run takes the base URL from RESPONDIO_BASE_URL when --base-url is not given', async (t) => {
  const seen: string[] = [];
  const { code } = await cli(['run', 'fake-contact'], { stdin: ndjson(input), env: { RESPONDIO_TOKEN: 'tok_TEST_s3cr3t_9f8e7d6c5b4a', RESPONDIO_BASE_URL: 'http://127.0.0.1:4010/v2' }, fake: { connections: seen } });
  t.equal(code, 0);
  t.same(seen, ['http://127.0.0.1:4010/v2']);
});

t.test('an unreadable --input is a usage error (exit 2) and creates no output file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rc-cli-'));
  const out = join(dir, 'out.ndjson');
  const { code, stderr } = await cli(['run', 'fake-contact', '--input', join(dir, 'missing.ndjson'), '--output', out]);
  t.equal(code, 2);
  t.match(stderr, /--input ".*missing\.ndjson" cannot be read: ENOENT/);
  await t.rejects(readFile(out), { code: 'ENOENT' });
});

t.test('an unwritable --output is a usage error (exit 2)', async (t) => {
  const { code, stderr } = await cli(['run', 'fake-contact', '--output', '/nonexistent-dir/out.ndjson'], { stdin: ndjson(input) });
  t.equal(code, 2);
  t.match(stderr, /--output "\/nonexistent-dir\/out\.ndjson" cannot be written: ENOENT/);
});

t.test('--json-summary prints the run result as one JSON line on stderr', async (t) => {
  const { code, stderr } = await cli(['run', 'fake-contact', '--json-summary'], { stdin: ndjson(input) });
  t.equal(code, 0);
  const summary = JSON.parse(stderr.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  t.match(summary, { connector: 'fake-contact', status: 'succeeded', statusCode: 200, rowsRead: 3, rowsEmitted: 3, errorRows: 0, upstream: { retries: 0, rateLimitWaitMs: 0 } });
});

t.test('a progress line is drawn on stderr only when it is a terminal', async (t) => {
  const tty = await cli(['run', 'fake-contact'], { stdin: ndjson(input), isTTY: true });
  t.match(tty.stderr, /\x1b\[1G\d+ rows done · \d+ read · [\d.]+ rows\/s · error rows \d+ · retries \d+/, 'from a pipe: rows done and read, no total');
  t.match(tty.stderr, /\x1b\[2K\r\x1b\[Krun fake-contact: succeeded/, 'the bar is wiped before the summary');
  const pipe = await cli(['run', 'fake-contact'], { stdin: ndjson(input) });
  t.notMatch(pipe.stderr, /\r|\x1b/);
});

t.test('from a file, the bar shows rows done of the total counted in the file, rows/s and an ETA', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'progress-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rows = Array.from({ length: 40 }, (_, i) => ({ Identifier: `id:${i + 1}` }));
  writeFileSync(join(dir, 'in.ndjson'), ndjson(rows) + '\n\n'); // blank lines are no rows
  // Rows take a while, so the bar is drawn while they go (the verdict does not depend on how long they take).
  const run = await cli(['run', 'fake-contact', '-i', join(dir, 'in.ndjson'), '-o', join(dir, 'out.ndjson'), '--concurrency', '2'], { isTTY: true, fake: { delay: () => 20 } });
  t.equal(run.code, 0);
  t.match(run.stderr, /[█░]+ \d+\/40 rows · ETA [^·]+ · [\d.]+ rows\/s · error rows 0 · retries 0/);
});

t.test('a device as --output (-o /dev/null) is written like a file: nothing to fsync there, exit 0', async (t) => {
  // fsync of a character device fails with EINVAL; the run must not fail for it (benchmarks and scripts use /dev/null).
  const { code, stdout, stderr } = await cli(['run', 'fake-contact', '-o', '/dev/null'], { stdin: ndjson(input) });
  t.equal(code, 0, 'exit 0', { stderr });
  t.equal(stdout, '', 'the rows went to the device, not to stdout');
  t.match(stderr, /rows read 3 · rows emitted 3/);
});
