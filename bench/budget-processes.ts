import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, constants, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../runtime/clock.js';
import type { RunningSimulator } from '../simulator/index.js';
import { sleep } from './common.js';

const CLI = fileURLToPath(new URL('../bin/respondio-connectors.js', import.meta.url));
/** The same CLI with connector options set (cli-child.mjs); it brings its own plugin, so no --redis-url with it. */
const CLI_WITH_OPTIONS = fileURLToPath(new URL('./cli-child.mjs', import.meta.url));
/** Loading N CLIs at once on a busy 2-core machine took up to 40 s. */
const START_TIMEOUT_MS = 120_000;
const EXIT_TIMEOUT_MS = 30_000;
/** A run without runMs ends when its input does. */
const RUN_TIMEOUT_MS = 300_000;

export interface ProcessesPlan {
  connector: 'get-contact' | 'get-message';
  /** One input per process; each holds only its own contacts (that is how the simulator's log is attributed). */
  inputs: readonly Record<string, string>[][];
  /** Shared budget: every process gets --redis-url. Absent: today's per-process pacer. */
  redisUrl?: string;
  /** Connector options for every run (e.g. { coalesce: false }): the reference rows. Not with redisUrl. */
  connectorOptions?: Record<string, unknown>;
  /** RESPONDIO_REDIS_GUARD_MS for the children (their default when absent). */
  guardMs?: number;
  /** Rows in flight per process. */
  concurrency: number;
  /** How long the processes run once all are sending (see allSending), before they are stopped (SIGTERM, the CLI's graceful stop); absent: until their input ends. */
  runMs?: number;
  /** True once every process has reached the simulator; runMs counts from then (a cold first request can take seconds under load). */
  allSending?: () => boolean;
  /** Scheduling priority of the children (they would inherit this process's, raised for the simulator). */
  priority?: number;
  /** Scratch directory for the input pipes and the outputs. */
  dir: string;
}

export interface ProcessesRun {
  /** Simulator clock (performance.now, the same as this process's): when every process got its rows at once. */
  startedAt: number;
  /** When the stop signal was sent (without runMs: when the last process had exited). */
  stoppedAt: number;
  /** Each child's summary line (--json-summary), parsed. */
  summaries: { upstream?: { rateLimited?: number; retries?: number; requests?: number }; rowsEmitted?: number; errorRows?: number }[];
}

/** A pipe holds this much without a reader draining it; the inputs are written at once, without blocking. */
const PIPE_BYTES = 64 * 1024;

/**
 * N built CLI processes (bin/respondio-connectors.js → dist/, as installed) with the same token against one simulator,
 * each reading its own input from a named pipe. Loading a CLI takes seconds of CPU on a busy 2-core machine, and a
 * process loading beside others that already send stalls them (and the simulator): so the rows are written to all
 * pipes at the same moment, once every process has opened its pipe (it is loaded, its Redis connected). With `runMs`
 * (inputs longer than they can finish) they get SIGTERM after it: the rows already read finish, the summary is printed.
 */
export async function runProcesses(sim: RunningSimulator, plan: ProcessesPlan): Promise<ProcessesRun> {
  if (plan.connectorOptions && plan.redisUrl) throw new Error('shared-budget: connector options and a Redis URL together are not wired (cli-child.mjs loads its own plugin)');
  const children = plan.inputs.map((rows, i) => {
    const text = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    if (Buffer.byteLength(text) > PIPE_BYTES) throw new Error(`shared-budget: input ${i} is over ${PIPE_BYTES} bytes, more than a pipe holds`);
    const pipe = join(plan.dir, `in-${i}.ndjson`);
    rmSync(pipe, { force: true });
    const made = spawnSync('mkfifo', [pipe]);
    if (made.status !== 0) throw new Error(`shared-budget: mkfifo ${pipe} failed: ${made.stderr?.toString() ?? made.error?.message}`);
    return { ...startChild(sim, plan, pipe, join(plan.dir, `out-${i}.ndjson`)), pipe, text };
  });
  try {
    const fds = await Promise.all(children.map((child) => openWhenRead(child.pipe, child.process, child.stderr)));
    const startedAt = systemClock.now();
    fds.forEach((fd, i) => {
      writeSync(fd, (children[i] as { text: string }).text);
      closeSync(fd);
    });
    if (plan.runMs === undefined) {
      const summaries = await Promise.all(children.map((child) => child.finished));
      return { startedAt, stoppedAt: systemClock.now(), summaries };
    }
    while (plan.allSending && !plan.allSending()) {
      if (systemClock.now() - startedAt > START_TIMEOUT_MS) throw new Error('shared-budget: the CLI processes did not all reach the simulator');
      await sleep(20);
    }
    await sleep(plan.runMs);
    const stoppedAt = systemClock.now();
    for (const child of children) child.process.kill('SIGTERM');
    const summaries = await Promise.all(children.map((child) => child.finished));
    return { startedAt, stoppedAt, summaries };
  } finally {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
}

/** Opens the pipe for writing once the child has opened it for reading (O_NONBLOCK: ENXIO until then). */
async function openWhenRead(pipe: string, child: ChildProcess, stderr: () => string): Promise<number> {
  const deadline = systemClock.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      return openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    }
    if (child.exitCode !== null) throw new Error(`shared-budget: a CLI process exited ${child.exitCode} before it read its input: ${stderr().slice(-1500)}`);
    if (systemClock.now() > deadline) throw new Error(`shared-budget: a CLI process did not open its input within ${START_TIMEOUT_MS / 1000} s`);
    await sleep(20);
  }
}

function startChild(sim: RunningSimulator, plan: ProcessesPlan, input: string, output: string): { process: ChildProcess; stderr: () => string; finished: Promise<ProcessesRun['summaries'][number]> } {
  const args = [plan.connectorOptions ? CLI_WITH_OPTIONS : CLI, 'run', plan.connector, '-i', input, '-o', output, '--base-url', sim.baseUrl, '--concurrency', String(plan.concurrency),
    '--error-behavior', 'do-not-fail-and-return-response', '--log-level', 'error', '--json-summary', ...(plan.redisUrl ? ['--redis-url', plan.redisUrl] : [])];
  // Only what the run needs: a RESPONDIO_REDIS_URL in the caller's environment must not turn a per-process cell shared.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', RESPONDIO_TOKEN: sim.token, ...(plan.guardMs === undefined ? {} : { RESPONDIO_REDIS_GUARD_MS: String(plan.guardMs) }),
    ...(plan.connectorOptions ? { BENCH_CONNECTOR_OPTIONS: JSON.stringify(plan.connectorOptions) } : {}) };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (plan.priority !== undefined && child.pid !== undefined) setPriority(child.pid, plan.priority);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const finished = (async () => {
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), plan.runMs === undefined ? RUN_TIMEOUT_MS : START_TIMEOUT_MS + plan.runMs + EXIT_TIMEOUT_MS)));
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
