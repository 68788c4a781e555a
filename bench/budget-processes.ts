import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../runtime/clock.js';
import type { RunningSimulator } from '../simulator/index.js';
import { sleep } from './common.js';

const CLI = fileURLToPath(new URL('../bin/respondio-connectors.js', import.meta.url));
const FIRST_REQUEST_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 30_000;
/** A run without runMs ends when its input does. */
const RUN_TIMEOUT_MS = 300_000;

export interface ProcessesPlan {
  connector: 'get-contact' | 'get-message';
  /** One input per process; each holds only its own contacts (that is how the simulator's log is attributed). */
  inputs: readonly Record<string, string>[][];
  /** Shared budget: every process gets --redis-url. Absent: today's per-process pacer. */
  redisUrl?: string;
  /** RESPONDIO_REDIS_GUARD_MS for the children (their default when absent). */
  guardMs?: number;
  /** Rows in flight per process. */
  concurrency: number;
  /** How long all processes run together before they are stopped (SIGTERM, the CLI's graceful stop); absent: until their input ends. */
  runMs?: number;
  /** True once process i has reached the simulator. */
  arrived(process: number): boolean;
  /** Scratch directory for the input files. */
  dir: string;
}

export interface ProcessesRun {
  /** Simulator clock (performance.now, the same as this process's): when the last process had sent its first request. */
  allRunningAt: number;
  /** When the stop signal was sent (without runMs: when the last process had exited). */
  stoppedAt: number;
  /** Each child's summary line (--json-summary), parsed. */
  summaries: { upstream?: { rateLimited?: number; retries?: number; requests?: number }; rowsEmitted?: number; errorRows?: number }[];
}

/**
 * N built CLI processes (bin/respondio-connectors.js → dist/, as installed) with the same token against one simulator,
 * each over its own input. With `runMs` (inputs longer than they can finish): they run until all have reached the
 * simulator, then `runMs` more, then get SIGTERM (the rows already read finish, the summary is printed).
 */
export async function runProcesses(sim: RunningSimulator, plan: ProcessesPlan): Promise<ProcessesRun> {
  const children = plan.inputs.map((rows, i) => {
    const input = join(plan.dir, `in-${i}.ndjson`);
    writeFileSync(input, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    return startChild(sim, plan, input);
  });
  try {
    const deadline = systemClock.now() + FIRST_REQUEST_TIMEOUT_MS;
    while (!plan.inputs.every((_, i) => plan.arrived(i))) {
      const gone = children.find((child) => child.process.exitCode !== null);
      if (gone) throw new Error(`shared-budget: a CLI process exited ${gone.process.exitCode} before its first request: ${gone.stderr().slice(-1500)}`);
      if (systemClock.now() > deadline) throw new Error('shared-budget: the CLI processes did not all reach the simulator within 60 s');
      await sleep(20);
    }
    const allRunningAt = systemClock.now();
    if (plan.runMs === undefined) {
      const summaries = await Promise.all(children.map((child) => child.finished));
      return { allRunningAt, stoppedAt: systemClock.now(), summaries };
    }
    await sleep(plan.runMs);
    const stoppedAt = systemClock.now();
    for (const child of children) child.process.kill('SIGTERM');
    const summaries = await Promise.all(children.map((child) => child.finished));
    return { allRunningAt, stoppedAt, summaries };
  } finally {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
}

function startChild(sim: RunningSimulator, plan: ProcessesPlan, input: string): { process: ChildProcess; stderr: () => string; finished: Promise<ProcessesRun['summaries'][number]> } {
  const args = [CLI, 'run', plan.connector, '-i', input, '-o', '/dev/null', '--base-url', sim.baseUrl, '--concurrency', String(plan.concurrency),
    '--error-behavior', 'do-not-fail-and-return-response', '--log-level', 'error', '--json-summary', ...(plan.redisUrl ? ['--redis-url', plan.redisUrl] : [])];
  // Only what the run needs: a RESPONDIO_REDIS_URL in the caller's environment must not turn a per-process cell shared.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', RESPONDIO_TOKEN: sim.token, ...(plan.guardMs === undefined ? {} : { RESPONDIO_REDIS_GUARD_MS: String(plan.guardMs) }) };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const finished = (async () => {
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), plan.runMs === undefined ? RUN_TIMEOUT_MS : EXIT_TIMEOUT_MS + plan.runMs + FIRST_REQUEST_TIMEOUT_MS)));
    const result = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    if (!result) throw new Error('shared-budget: a CLI process did not end in time');
    const line = stderr.split('\n').find((text) => text.startsWith('{"connector"'));
    // Exit 1 is the graceful stop's 'cancelled'; anything else (or no summary) is a failed measurement.
    if (!line || (result[0] !== 0 && result[0] !== 1)) throw new Error(`shared-budget: a CLI process exited ${result[0] ?? result[1]}: ${stderr.slice(-1500)}`);
    return JSON.parse(line) as ProcessesRun['summaries'][number];
  })();
  finished.catch(() => undefined); // awaited by runProcesses; a rejection before then is not unhandled
  return { process: child, stderr: () => stderr, finished };
}
