import t from 'tap';
import { LOGGED_FAILURES_CAP } from '../../hosts/cli/failure-tally.js';
import { cli, ndjson } from './harness.js';

// A dirty batch must not bury the summary: failed rows are logged one by one up to a cap, then counted by code.
const rows = [
  ...Array.from({ length: 50 }, (_, i) => ({ Identifier: i % 10 === 0 ? 'crash' : 'fail:404' })),
  { Identifier: 'id:7' },
];
const warnLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('warn: row '));

t.test('at the default level: the first rows are logged, the rest counted, the summary groups them by code with examples', async (t) => {
  const { code, stderr } = await cli(['run', 'fake-contact', '--error-behavior', 'do-not-fail-and-return-response'], { stdin: ndjson(rows) });
  t.equal(code, 0);
  t.equal(warnLines(stderr).length, LOGGED_FAILURES_CAP, `${LOGGED_FAILURES_CAP} rows logged one by one`);
  t.match(stderr, /warn: more failed rows: counted by code in the summary, not logged one by one \(--log-level debug logs each\)/);
  t.match(stderr, /\n {2}45 rows failed with RC_UPSTREAM_HTTP_ERROR, e\.g\. row 2: upstream said no to fail:404 · row 3: upstream said no to fail:404 · row 4: /);
  t.match(stderr, /\n {2}5 rows failed with RC_CONNECTOR_CRASHED, e\.g\. row 1: connector error: cannot read properties of undefined · row 11: /, 'the largest group first');
});

t.test('--log-level debug logs every failed row; --json-summary carries the groups', async (t) => {
  const debug = await cli(['run', 'fake-contact', '--error-behavior', 'do-not-fail-and-return-response', '--log-level', 'debug'], { stdin: ndjson(rows) });
  t.equal(warnLines(debug.stderr).length, 50);
  const json = await cli(['run', 'fake-contact', '--error-behavior', 'do-not-fail-and-return-response', '--json-summary'], { stdin: ndjson(rows) });
  const summary = JSON.parse(json.stderr.trim().split('\n').at(-1) ?? '{}') as { errorRows: number; failedRows: { code: string; count: number; examples: { row: number }[] }[] };
  t.equal(summary.errorRows, 50);
  t.same(summary.failedRows.map((group) => [group.code, group.count]), [['RC_UPSTREAM_HTTP_ERROR', 45], ['RC_CONNECTOR_CRASHED', 5]]);
  t.same(summary.failedRows[1]?.examples.map((example) => example.row), [1, 11, 21]);
});
