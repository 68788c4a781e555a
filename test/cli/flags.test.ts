import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TEST_TOKEN } from '../helpers/fake-connector.js';
import { cli, ndjson, parseNdjson } from './harness.js';

const rows = ndjson([{ Identifier: 'id:1' }]);

// Every bad command line exits 2 before any row is read, with a message that names the flag and what it accepts.
const usageErrors: [string[], RegExp][] = [
  [['run', 'fake-contact', '--format', 'xml'], /--format must be one of ndjson, json, csv \(got "xml"\)/],
  [['run', 'fake-contact', '--concurrency', '0'], /--concurrency must be an integer from 1 to 256 \(got "0"\)/],
  [['run', 'fake-contact', '--concurrency', 'lots'], /--concurrency must be an integer from 1 to 256 \(got "lots"\)/],
  [['run', 'fake-contact', '--concurrency'], /--concurrency needs a value/],
  [['run', 'fake-contact', '--input', '--format', 'csv'], /--input needs a value/],
  [['run', 'fake-contact', '--error-behavior', 'ignore'], /--error-behavior must be one of fail-and-return-response \("Fail and return response"\), fail-without-response \("Fail without response"\), do-not-fail-and-return-response \("Do not fail and return response"\) \(got "ignore"\)/],
  [['run', 'fake-contact', '--base-url', 'ftp://example.com'], /--base-url must be an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/example.com"\)/],
  [['run', 'fake-contact', '--log-level', 'loud'], /--log-level must be one of debug, info, warn, error, silent/],
  [['run', 'fake-contact', '--colour'], /unknown flag --colour; known flags: --input \(-i\), --output \(-o\), --format \(-f\), --error-behavior/],
  [['run', 'fake-contact', '--json-summary=yes'], /--json-summary is a switch and takes no value/],
  [['run', 'fake-contact', 'extra'], /unexpected argument "extra"/],
  [['run'], /which connector\?/],
  [['run', 'nope'], /RC_UNKNOWN_CONNECTOR: unknown connector "nope"/],
  [['launch'], /unknown command "launch"; commands: describe, run/],
  [['--verbose'], /unknown flag --verbose/],
];

for (const [argv, message] of usageErrors) {
  t.test(`exit 2: ${argv.join(' ')}`, async (t) => {
    const calls: string[] = [];
    const run = await cli(argv, { stdin: rows, fake: { calls } });
    t.equal(run.code, 2);
    t.match(run.stderr, message);
    t.equal(run.stdout, '', 'nothing on stdout');
    t.same(calls, [], 'no row was processed');
  });
}

t.test('--token is refused, with the reason, and its value is never echoed', async (t) => {
  for (const argv of [['run', 'fake-contact', '--token', TEST_TOKEN], ['run', 'fake-contact', `--token=${TEST_TOKEN}`]]) {
    const run = await cli(argv, { stdin: rows });
    t.equal(run.code, 2);
    t.match(run.stderr, /--token is refused: a token on the command line is visible to every user of the machine \(ps\) and stays in the shell history; set RESPONDIO_TOKEN or pass --token-file FILE/);
    t.notOk(run.stderr.includes(TEST_TOKEN));
  }
});

t.test('no token → exit 2 naming both ways to give one', async (t) => {
  const run = await cli(['run', 'fake-contact'], { stdin: rows, env: {} });
  t.equal(run.code, 2);
  t.match(run.stderr, /no respond\.io token: set RESPONDIO_TOKEN or pass --token-file FILE/);
});

t.test('--token-file: trimmed, wins over the environment; empty or missing file → exit 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rc-token-'));
  const file = join(dir, 'token');
  await writeFile(file, `  ${TEST_TOKEN}\n`);
  const calls: string[] = [];
  const ok = await cli(['run', 'fake-contact', '--token-file', file], { stdin: ndjson([{ Identifier: 'leak' }]), env: {}, fake: { calls } });
  // The fake's `leak` row quotes the token it was given: redacted means the trimmed token was the one in use.
  t.equal(parseNdjson(ok.stdout)[0]?.Message, 'upstream echoed [REDACTED]');
  t.equal(ok.code, 1);
  await writeFile(join(dir, 'empty'), ' \n');
  const empty = await cli(['run', 'fake-contact', '--token-file', join(dir, 'empty')], { stdin: rows });
  t.equal(empty.code, 2);
  t.match(empty.stderr, /--token-file ".*empty" is empty/);
  const missing = await cli(['run', 'fake-contact', '--token-file', join(dir, 'nope')], { stdin: rows });
  t.equal(missing.code, 2);
  t.match(missing.stderr, /--token-file ".*nope" cannot be read: ENOENT/);
});

t.test('--help for the program and for run; --version; no command at all', async (t) => {
  const top = await cli(['--help']);
  t.equal(top.code, 0);
  t.match(top.stdout, /Commands:\n {2}describe .*\n {2}run /);
  const run = await cli(['run', '--help']);
  t.equal(run.code, 0);
  t.match(run.stdout, /--error-behavior VALUE +fail-and-return-response \| fail-without-response \| do-not-fail-and-return-response/);
  t.same((await cli(['help', 'run'])).stdout, run.stdout);
  const version = await cli(['--version']);
  t.match(version.stdout, /^\d+\.\d+\.\d+(-[\w.]+)?\n$/);
  const none = await cli([]);
  t.equal(none.code, 2, 'no command is a usage error');
  t.match(none.stderr, /^Usage: respondio-connectors <command>/);
});

t.test('--base-url reaches the Connection block (the runtime validates it)', async (t) => {
  const seen: string[] = [];
  const run = await cli(['run', 'fake-contact', '--base-url', 'http://127.0.0.1:9/v2'], { stdin: rows, fake: { connections: seen } });
  t.equal(run.code, 0, 'exit 0', { stderr: run.stderr });
  t.same(seen, ['http://127.0.0.1:9/v2'], "the connector's Connection carries it as Base URL");
});

t.test('a mistyped connector is reported before a missing token, with the closest id suggested', async (t) => {
  const typo = await cli(['run', 'fake-contat'], { stdin: rows, env: {} });
  t.equal(typo.code, 2);
  t.match(typo.stderr, /RC_UNKNOWN_CONNECTOR: unknown connector "fake-contat"; did you mean fake-contact\?/);
  t.notMatch(typo.stderr, /no respond\.io token/, 'the token is not asked for first');
  const far = await cli(['run', 'send-sms'], { stdin: rows, env: {} });
  t.match(far.stderr, /unknown connector "send-sms"; known: fake-contact/, 'nothing is suggested for a word far from every id');
  const pasted = await cli(['run', TEST_TOKEN], { stdin: rows });
  t.equal(pasted.code, 2);
  t.notMatch(pasted.stderr, new RegExp(TEST_TOKEN), 'a token pasted as the connector name is not echoed');
});
