import t from 'tap';
import { TEST_TOKEN } from '../helpers/fake-connector.js';
import { cli, ndjson } from './harness.js';

// Invariant 6 at the CLI's edge: whatever happens, the token is in neither stdout nor stderr.
const runs: [string, string[], string][] = [
  ['an error quoting the token', ['run', 'fake-contact', '--error-behavior', 'do-not-fail-and-return-response', '--log-level', 'debug'], ndjson([{ Identifier: 'leak' }, { Identifier: 'id:1' }])],
  ['a Fail stop on that error', ['run', 'fake-contact', '--json-summary'], ndjson([{ Identifier: 'leak' }])],
  ['a CSV run', ['run', 'fake-contact', '-f', 'csv'], `Identifier\nleak\n`],
  ['the token in a bad flag value', ['run', 'fake-contact', '--base-url', TEST_TOKEN], ''],
  ['the token as the connector name', ['run', TEST_TOKEN], ''],
];

for (const [name, argv, stdin] of runs) {
  t.test(`the token never leaves: ${name}`, async (t) => {
    const run = await cli(argv, { stdin });
    t.notOk(run.stdout.includes(TEST_TOKEN), 'not in stdout');
    t.notOk(run.stderr.includes(TEST_TOKEN), 'not in stderr');
    t.ok(run.stdout.length + run.stderr.length > 0, 'something was printed');
  });
}
