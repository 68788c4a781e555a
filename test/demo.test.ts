import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// `npm run demo` is the README's main-job command: it must keep working on a fresh clone, offline.
t.test('npm run demo runs both connectors under the three settings, the Custom Channel loop, List Users and a Create Or Update read back, with no 429', async (t) => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  t.equal(run.status, 0, run.stderr);
  for (const connector of ['get-contact', 'get-message']) {
    for (const behavior of ['Fail and return response', 'Fail without response', 'Do not fail and return response']) {
      t.match(run.stdout, `run ${connector} --input examples/${connector}.ndjson --error-behavior "${behavior}"`);
    }
  }
  t.match(run.stdout, /run get-contact: succeeded with errors · task status 202/);
  t.match(run.stdout, /run get-message: failed · task status 300 · Fail without response/);
  t.match(run.stdout, /respond\.io → POST http:\/\/127\.0\.0\.1:\d+\/respondio\/message → 200 \{"mId":/);
  t.match(run.stdout, /respond\.io's webhook recorded: \[\{"type":"message_status"/);
  t.match(run.stdout, /run list-users: succeeded/);
  t.match(run.stdout, /\{"StatusCode":200,"Message":null,"Items":\{"ID":\d+/, 'List Users prints one row per user');
  const written = /\{"StatusCode":200,"Message":null,"ContactID":(\d+)\}/.exec(run.stdout);
  t.ok(written, 'Create Or Update Contact answers a ContactID');
  t.match(run.stdout, new RegExp(`\\{"StatusCode":200,"Message":null,"ID":${written?.[1] ?? 'none'},[^\\n]*"FirstName":"Demo","LastName":"Person"`), 'Get Contact reads the same contact back');
  t.match(run.stdout, /the simulator answered \d+ requests, 0 of them 429/);
});
