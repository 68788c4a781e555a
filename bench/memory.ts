import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import { round, type BenchContext, type ScenarioResult } from './common.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const COUNTS_FULL = [100_000, 1_000_000] as const;
const COUNTS_QUICK = [3_000, 30_000] as const;
const CONCURRENCY = 32;
const CAPPED_OLD_SPACE_MB = 64;

/**
 * The CLI streaming N generated rows (NDJSON in, NDJSON out) through Get Contact against the simulator with limits
 * off, in a child process: its peak RSS at a small and a 10× larger N. Constant memory means the ratio stays near 1.
 * The child runs the built CLI (dist/, rebuilt first so it matches the sources) through bench/cli-child.mjs, with
 * the client's pacing off; the simulator runs in this process.
 */
export async function memory(context: BenchContext, counts?: { rows: number[] }): Promise<ScenarioResult[]> {
  const sizes = counts?.rows ?? [...(context.quick ? COUNTS_QUICK : COUNTS_FULL)];
  buildCli(context, 'memory');
  const sim = await startSimulator({ limits: false, latencyMs: 0, requestLog: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'rc-bench-'));
  const results: ScenarioResult[] = [];
  try {
    for (const size of sizes) {
      const input = join(dir, `rows-${size}.ndjson`);
      await writeRows(sim, input, size);
      context.note(`memory: the CLI over ${size} rows (concurrency ${CONCURRENCY})`);
      const run = await runCli(sim, input, []);
      if (run.summary.rowsEmitted !== size || run.summary.errorRows !== 0) {
        throw new Error(`memory: ${size} rows in, summary ${JSON.stringify(run.summary)}`);
      }
      results.push({
        scenario: `memory ${size}`,
        rows: size,
        seconds: round(run.seconds, 2),
        rowsPerSecond: Math.round(size / run.seconds),
        concurrency: CONCURRENCY,
        peakRssMb: round(run.peakRssKb / 1024, 1),
        rssMeasuredBy: run.measuredBy,
      });
      if (size === sizes[0] && !context.quick) {
        // The same run with V8's old space capped: how much of the peak is heap slack rather than live data.
        context.note(`memory: again with node --max-old-space-size=${CAPPED_OLD_SPACE_MB}`);
        const capped = await runCli(sim, input, [`--max-old-space-size=${CAPPED_OLD_SPACE_MB}`]);
        results.push({
          scenario: `memory ${size} capped`,
          rows: size,
          seconds: round(capped.seconds, 2),
          rowsPerSecond: Math.round(size / capped.seconds),
          concurrency: CONCURRENCY,
          peakRssMb: round(capped.peakRssKb / 1024, 1),
          nodeOptions: `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`,
          rssMeasuredBy: capped.measuredBy,
        });
      }
      rmSync(input);
    }
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const plain = results.filter((result) => result.nodeOptions === undefined);
  const [small, large] = [plain[0], plain.at(-1)];
  if (small && large && small !== large) large.ratioToSmaller = round((large.peakRssMb as number) / (small.peakRssMb as number), 3);
  return results;
}

/** The child runs dist/: rebuilt first so it matches the sources. */
export function buildCli(context: BenchContext, scenario: string): void {
  context.note(`${scenario}: npm run build (the child runs dist/)`);
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error(`${scenario}: npm run build failed`);
}

export async function writeRows(sim: RunningSimulator, file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  const contacts = sim.data.contacts;
  for (let i = 0; i < count; i += 1) {
    if (!out.write(`{"Identifier":"id:${(contacts[i % contacts.length] as { id: number }).id}"}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export interface CliRun {
  seconds: number;
  peakRssKb: number;
  measuredBy: string;
  summary: { rowsEmitted: number; errorRows: number; status: string };
}

/**
 * The built CLI in a child process (get-contact, `input` → `output` (default /dev/null) with `runFlags`, 'Do not fail and return response'), with its
 * peak RSS: from GNU time's "Maximum resident set size" when /usr/bin/time exists, else VmHWM sampled from /proc.
 */
export async function runCli(sim: { baseUrl: string; token: string }, input: string, nodeFlags: string[], concurrency = CONCURRENCY, output = '/dev/null', runFlags: string[] = []): Promise<CliRun> {
  const args = [...nodeFlags, join(here, 'cli-child.mjs'), 'run', 'get-contact', '-i', input, '-o', output, '--base-url', sim.baseUrl,
    '--concurrency', String(concurrency), '--error-behavior', 'do-not-fail-and-return-response', '--log-level', 'error', '--json-summary', ...runFlags];
  const gnuTime = existsSync('/usr/bin/time');
  const child = gnuTime
    ? spawn('/usr/bin/time', ['-v', process.execPath, ...args], { env: { ...process.env, RESPONDIO_TOKEN: sim.token }, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, args, { env: { ...process.env, RESPONDIO_TOKEN: sim.token }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let sampledKb = 0;
  const sampler = gnuTime
    ? undefined
    : setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) sampledKb = Math.max(sampledKb, Number(match[1]));
        } catch {
          // the child has just exited
        }
      }, 50);
  const started = performance.now();
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  if (sampler) clearInterval(sampler);
  const summaryLine = stderr.split('\n').find((line) => line.startsWith('{"connector"'));
  if (code !== 0 || !summaryLine) throw new Error(`memory: the CLI exited ${code}: ${stderr.slice(-2000)}`);
  const maxRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return {
    seconds,
    peakRssKb: gnuTime ? Number(maxRss?.[1] ?? 0) : sampledKb,
    measuredBy: gnuTime ? '/usr/bin/time -v' : '/proc VmHWM sampled every 50 ms',
    summary: JSON.parse(summaryLine) as CliRun['summary'],
  };
}
