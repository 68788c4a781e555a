import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import t from 'tap';
import { readJournal } from '../../runtime/checkpoint/journal.js';
import { startSimulator } from '../../simulator/index.js';
import { propertyRuns } from '../helpers/seed.js';
import { SECRET_TOKEN } from './fault-harness.js';

// A real CLI process (the sources through tsx) against the simulator, killed with SIGKILL at a seeded moment — no
// handler runs, so whatever is on disk is what a crash leaves — then the same command again. The resumed output must
// be byte for byte the output of a run never killed, and the simulator's log must show no request for a row the
// journal had committed before the kill; a row in flight at the kill may be asked twice, never more.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const simulator = await startSimulator({ seed: 3, contacts: 200, token: SECRET_TOKEN, latencyMs: [20, 80], requestLog: 100_000 });
t.teardown(() => simulator.close());
const contacts = simulator.data.contacts.slice(0, 30);
const dir = await mkdtemp(join(tmpdir(), 'rc-kill-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const formats = ['ndjson', 'csv', 'json'] as const;
type Format = (typeof formats)[number];

function inputIn(format: Format): string {
  const identifiers = contacts.map((contact, i) => (i % 13 === 5 ? 'id:999999999' : `id:${contact.id}`)); // some 404s
  if (format === 'csv') return ['Identifier', ...identifiers].join('\n') + '\n';
  if (format === 'json') return JSON.stringify(identifiers.map((Identifier) => ({ Identifier })));
  return identifiers.map((Identifier) => JSON.stringify({ Identifier }) + '\n').join('');
}

function cliRun(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hosts/cli/entry.ts', 'run', 'get-contact', '--base-url', simulator.baseUrl, '--error-behavior', 'do-not-fail-and-return-response', '--log-level', 'error', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', RESPONDIO_TOKEN: SECRET_TOKEN },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = once(child, 'close').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, exit };
}

const requestsSince = (from: number): string[] => simulator.stats.log.slice(from).map((entry) => entry.url ?? '');

t.test('SIGKILL at a seeded moment, then the same command: the output of an uninterrupted run, committed rows never asked again', async (t) => {
  // Each leg is a real process paced at respond.io's limits: minutes on a loaded machine, not seconds.
  t.setTimeout(600_000);
  const references = new Map<Format, string>();
  /** The output of the run never killed, made once per format the property draws. */
  const reference = async (format: Format): Promise<string> => {
    const known = references.get(format);
    if (known !== undefined) return known;
    const path = join(dir, `reference.${format}`);
    const { code, stderr } = await cliRun(['-i', join(dir, `in.${format}`), '-o', path, '--concurrency', '4']).exit;
    t.equal(code, 0, `the uninterrupted ${format} run succeeded`, { stderr });
    const text = readFileSync(path, 'utf8');
    references.set(format, text);
    return text;
  };
  for (const format of formats) await writeFile(join(dir, `in.${format}`), inputIn(format));

  let leg = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...formats), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 6 }), async (format, killAfterRow, concurrency) => {
      leg += 1;
      const expected = await reference(format); // before the legs, so its requests are not counted as theirs
      const input = join(dir, `in.${format}`);
      const output = join(dir, `out-${leg}.${format}`);
      const journalFile = join(dir, `run-${leg}.journal`);
      const args = ['-i', input, '-o', output, '--checkpoint', journalFile, '--concurrency', String(concurrency)];

      const logAtStart = simulator.stats.log.length;
      const killed = cliRun(args);
      // Kill once the journal has committed past a seeded row (polled: when to kill is the only thing timing decides).
      let exited = false;
      void killed.exit.then(() => (exited = true));
      for (;;) {
        const state = await readJournal(journalFile).catch(() => undefined);
        if (exited || (state?.committed.row ?? 0) >= killAfterRow) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      killed.child.kill('SIGKILL');
      await killed.exit;
      const committed = (await readJournal(journalFile))?.committed.row ?? 0;
      const logAtKill = simulator.stats.log.length;

      const resumed = await cliRun(args).exit;
      t.equal(resumed.code, 0, 'the resumed run succeeded', { stderr: resumed.stderr });
      t.equal(readFileSync(output, 'utf8'), expected, `${format}, concurrency ${concurrency}, killed after commit ${committed}: same bytes as the uninterrupted run`);
      const asked = requestsSince(logAtKill);
      const committedIds = new Set(inputIn('ndjson').split('\n').slice(0, committed).map((line) => `/v2/contact/${(JSON.parse(line) as { Identifier: string }).Identifier}`));
      const repeated = asked.filter((url) => committedIds.has(url) && !url.endsWith('id:999999999'));
      t.same(repeated, [], 'no committed row was requested by the resumed run');
      const times = new Map<string, number>();
      for (const url of requestsSince(logAtStart)) times.set(url, (times.get(url) ?? 0) + 1);
      const unknown = inputIn('ndjson').split('\n').filter((line) => line.includes('999999999')).length;
      const overAsked = [...times].filter(([url, n]) => n > (url.endsWith('id:999999999') ? 2 * unknown : 2));
      t.same(overAsked, [], 'a row in flight at the kill is asked twice at most');
      t.notOk(resumed.stderr.includes(SECRET_TOKEN), 'the token is not on stderr');
      return true;
    }),
    { ...propertyRuns(3), endOnFailure: true },
  );
});
