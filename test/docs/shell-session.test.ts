/**
 * The docs test's shell session bounds a block's CLI calls, but not a background block's: the simulator a README
 * starts first has to serve its last block. (Under CI load hosts/http/README.md took 67 s; its simulator, bounded to
 * 60 s, died before the durable example ran, which then printed [null,null,null].) Real processes with a 2 s bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ShellSession } from './shell-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BOUND_S = 2;

const cwd = mkdtempSync(join(tmpdir(), 'shell-session-test-'));
const session = new ShellSession(cwd, { ...process.env, NO_COLOR: '1' }, root, BOUND_S);
t.teardown(async () => {
  await session.close();
  rmSync(cwd, { recursive: true, force: true });
});

t.test('a background CLI outlives the bound a block CLI is killed at', async (t) => {
  const server = await session.background('respondio-connectors simulate --port 0\n', 60_000);
  t.teardown(() => server.stop());
  const baseUrl = (JSON.parse(server.stdout.split('\n')[0] ?? '{}') as { baseUrl?: string }).baseUrl;
  t.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v2$/, 'the simulator started and printed its base URL');

  // `|| echo`: under the session's set -e a failing command would end the session.
  const bounded = await session.run('respondio-connectors simulate --port 0 >/dev/null || echo "exit $?"\n', 60_000);
  t.match(bounded.stdout, /^exit 124$/m, `a block's CLI call is killed by timeout(1) after ${BOUND_S} s`);

  // The bounded call above already lasted the bound; the background one started before it must still answer.
  await sleep(500);
  const answer = await fetch(`${baseUrl}/contact/id:1001`, { headers: { authorization: 'Bearer sim-token-1-7609c4eb' } }).catch((error: Error) => error);
  t.notOk(answer instanceof Error, `the background simulator still answers after the bound (${answer instanceof Error ? answer.message : 'ok'})`);
  if (!(answer instanceof Error)) t.equal(answer.status, 200, 'and serves the seed contact');
});
