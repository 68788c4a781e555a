import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { TEST_TOKEN } from '../helpers/fake-connector.js';

// The one test with real processes. It runs the sources through tsx (`node --import tsx`), not dist/: dist is only
// as fresh as the last build, and a test of stale code proves nothing. bin/ is a two-line launcher of the compiled
// hosts/cli/process.ts; the last subtest checks that it points at that file.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Child {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the text so far matches. */
  waitFor: (stream: 'stdout' | 'stderr', pattern: RegExp) => Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(script: string, argv: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...argv], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', RESPONDIO_TOKEN: TEST_TOKEN, ...env },
  });
  const text = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].on('data', (chunk: Buffer) => {
      text[name] += chunk.toString('utf8');
      for (const wake of waiters.splice(0)) wake();
    });
  }
  const waitFor = async (name: 'stdout' | 'stderr', pattern: RegExp): Promise<void> => {
    while (!pattern.test(text[name])) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before ${pattern}: ${text.stderr}`);
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  const exit = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exit };
}

const fixture = 'test/cli/fixtures/fake-cli.ts';
const rows = (...ids: string[]): string => ids.map((id) => JSON.stringify({ Identifier: id }) + '\n').join('');

t.test('a spawned CLI: exit codes, signals and streams wired to the real process', async (t) => {
  t.test('the first SIGINT stops reading stdin (still open), finishes the rows read, exits 1 with a summary', async (t) => {
    const run = start(fixture, ['run', 'fake-contact'], { RC_CLI_FIXTURE: '1' });
    run.child.stdin.write(rows('id:1', 'id:2', 'id:3')); // stdin stays open, like a terminal
    await run.waitFor('stdout', /\n/);
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    t.equal(code, 1, 'exit 1', { stderr: run.stderr() });
    t.match(run.stderr(), /SIGINT: stopping gracefully; SIGINT again to exit at once/);
    t.match(run.stderr(), /stopped by SIGINT: no input read after row 3; every row read was finished and written/);
    t.same(run.stdout().trimEnd().split('\n').map((line) => (JSON.parse(line) as { ID: number }).ID), [1, 2, 3]);
  });

  t.test('a second SIGINT exits at once (130), not waiting for the row in flight', async (t) => {
    const run = start(fixture, ['run', 'fake-contact', '--concurrency', '2'], { RC_CLI_FIXTURE: '1' });
    run.child.stdin.write(rows('id:1', 'id:999'));
    await run.waitFor('stdout', /\n/);
    run.child.kill('SIGINT');
    await run.waitFor('stderr', /stopping/);
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    // 130 is the exit of the second signal; had the process waited for the 60 s row or the grace period, the
    // summary would say so and the code would be 1.
    t.equal(code, 130, 'the second SIGINT exits at once');
    t.notMatch(run.stderr(), /stopped by SIGINT: no input read/, 'no summary: it did not wait for the run to end');
  });

  t.test('the entry with the real plugin: --version, describe --json, a usage error', async (t) => {
    // Started together: each process spends most of its time loading tsx.
    const version = start('hosts/cli/entry.ts', ['--version']);
    const describe = start('hosts/cli/entry.ts', ['describe', '--json']);
    const usage = start('hosts/cli/entry.ts', ['run', 'get-contact', '--format', 'xml']);
    const [versionExit, describeExit, usageExit] = await Promise.all([version.exit, describe.exit, usage.exit]);
    t.equal(versionExit.code, 0);
    t.equal(version.stdout(), `${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    t.equal(describeExit.code, 0, 'exit 0', { stderr: describe.stderr() });
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { connectors: { id: string }[] };
    t.same((JSON.parse(describe.stdout()) as { id: string }[]).map((c) => c.id), manifest.connectors.map((c) => c.id), 'every connector of manifest.json');
    t.equal(usageExit.code, 2);
    t.match(usage.stderr(), /--format must be one of ndjson, json, csv/);
  });

  t.test('bin/ launches the compiled hosts/cli/process.ts', async (t) => {
    const bin = readFileSync(join(root, 'bin/respondio-connectors.js'), 'utf8');
    t.match(bin, /^#!\/usr\/bin\/env node\n/);
    const target = /import\('\.\.\/dist\/(hosts\/cli\/[\w-]+)\.js'\)/.exec(bin)?.[1];
    t.equal(target, 'hosts/cli/process');
    t.ok(existsSync(join(root, `${target}.ts`)), 'the source of what bin imports exists');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    t.equal(pkg.bin['respondio-connectors'], 'bin/respondio-connectors.js');
  });
});
