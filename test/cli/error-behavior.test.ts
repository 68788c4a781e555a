import t from 'tap';
import { cli, ndjson, parseNdjson } from './harness.js';

// The CLI passes --error-behavior through to the runtime: each setting, spelled the seed's way and kebab-case, gives
// the rows error-behavior.md promises for a batch whose middle row fails, and the exit code of its outcome.
const input = ndjson([{ Identifier: 'id:1' }, { Identifier: 'fail:404' }, { Identifier: 'id:3' }]);

const cases = [
  { seed: 'Fail and return response', kebab: 'fail-and-return-response', statuses: [200, 404], code: 1, status: /failed · task status 300/ },
  { seed: 'Fail without response', kebab: 'fail-without-response', statuses: [200], code: 1, status: /failed · task status 300/ },
  { seed: 'Do not fail and return response', kebab: 'do-not-fail-and-return-response', statuses: [200, 404, 200], code: 0, status: /succeeded with errors · task status 202/ },
];

for (const { seed, kebab, statuses, code, status } of cases) {
  for (const spelling of [seed, kebab]) {
    t.test(`--error-behavior "${spelling}"`, async (t) => {
      const run = await cli(['run', 'fake-contact', '--error-behavior', spelling, '--concurrency', '1'], { stdin: input });
      t.equal(run.code, code, run.stderr);
      t.same(parseNdjson(run.stdout).map((row) => row.StatusCode), statuses);
      t.match(run.stderr, status);
      t.match(run.stderr, new RegExp(`· ${seed}\\n`), 'the summary names the setting in the seed spelling');
      if (code === 1) t.match(run.stderr, /failed at row 2: RC_UPSTREAM_HTTP_ERROR 404 upstream said no to fail:404/);
    });
  }
}

t.test('without --error-behavior the default is Fail and return response', async (t) => {
  const run = await cli(['run', 'fake-contact'], { stdin: input });
  t.equal(run.code, 1);
  t.match(run.stderr, /· Fail and return response\n/);
});

t.test('a configuration error at a row (token rejected) stops the run in every setting and exits 2', async (t) => {
  for (const { kebab } of cases) {
    const run = await cli(['run', 'fake-contact', '--error-behavior', kebab, '--concurrency', '1'], { stdin: ndjson([{ Identifier: 'id:1' }, { Identifier: 'fatal' }, { Identifier: 'id:3' }]) });
    t.equal(run.code, 2, kebab);
    t.same(parseNdjson(run.stdout).map((row) => row.ID), [1], 'rows before it are kept, no error row for it');
    t.match(run.stderr, /failed at row 2: RC_TOKEN_REJECTED respond.io rejected the token/);
  }
});

t.test('a connector that crashes gives a 500 error row, not a CLI crash', async (t) => {
  const run = await cli(['run', 'fake-contact', '--error-behavior', 'do-not-fail-and-return-response'], { stdin: ndjson([{ Identifier: 'crash' }, { Identifier: 'id:2' }]) });
  t.equal(run.code, 0);
  t.same(parseNdjson(run.stdout).map((row) => [row.StatusCode, row.Message]), [[500, 'connector error: cannot read properties of undefined'], [200, null]]);
});
