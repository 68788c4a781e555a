import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GUARD_MS } from '../connectors/respond-io/budget/redis-budget.js';
import { startSimulator, type RunningSimulator, type StartOptions } from '../simulator/index.js';
import { startRedisServer, type RedisServer } from '../test/helpers/redis-server.js';
import { figureSpec, renderSvg, type FigurePanel } from './budget-figure.js';
import { runProcesses } from './budget-processes.js';
import { arrivalRate, PACING_LATENCY_MS } from './pacing.js';
import { attribute, startsOf, trailingSeries, wholeSecondRatio, type Arrival } from './budget-series.js';
import { round, type BenchContext, type ScenarioResult } from './common.js';
import { buildCli } from './memory.js';

const CONTACT = 'GET /contact/{identifier}';
const MESSAGE = 'GET /contact/{identifier}/message/{messageId}';
/** Seed 003's limits, which the client's table and the simulator's documented limits both hold. */
const ENDPOINTS = {
  10: { connector: 'get-contact', endpoint: CONTACT, limit: 10 },
  15: { connector: 'get-message', endpoint: MESSAGE, limit: 15 },
} as const;
type Endpoint = (typeof ENDPOINTS)[keyof typeof ENDPOINTS];

const PROCESSES_FULL = [1, 2, 3, 6];
const RUN_MS_FULL = 10_000;
const RUN_MS_QUICK = 5_000;
/**
 * The foreign-consumer target is a rate per minute (≤ 1 × 429/min), so it is measured over a minute: the client's
 * first requests go out before any answer has shown it the other spender, and one 429 there read as 3/min in 20 s.
 */
const FOREIGN_RUN_MS = 60_000;
const FOREIGN_SHARE = 0.3;
const GUARDS_MS = [0, 10, 25, 50, 100];
const SIMULATOR_PRIORITY = -10;
/**
 * Rows in flight per process, as in *pacing*. At load 20–40 a row waits 200–400 ms for CPU between its steps; with 4
 * in flight one process could not keep 15/s (0.69 × in the first full run).
 */
const CONCURRENCY = 8;
/** The figure's cell, both modes side by side. */
const FIGURE_CELL = { processes: 3, limit: 10 } as const;
const CLIENT_OPTIONS_SCHEMA = new URL('../schemas/respond-io-client-options-1.0.0.json', import.meta.url);
export const FIGURE_PATH = fileURLToPath(new URL('./figures/shared-budget.svg', import.meta.url));

type Mode = 'per-process' | 'shared';

interface CellRun {
  arrivals: Arrival[];
  /** Whole-second window while all processes ran. */
  window: ReturnType<typeof wholeSecondRatio>;
  /** 429s the simulator answered over the whole run (start-up and stop included). */
  http429: number;
  firstAt: number;
  stoppedAt: number;
  errorRows: number;
}

interface Setup {
  context: BenchContext;
  redis: RedisServer;
  dir: string;
  runMs: number;
  /** The children's scheduling priority (this process's before the simulator's was raised). */
  clientPriority: number;
}

let cellNumber = 0;

/** A fresh simulator per cell: its own token, so no Redis key, limiter window or log carries over from the last. */
function simulatorFor(extra: StartOptions = {}): Promise<RunningSimulator> {
  cellNumber += 1;
  return startSimulator({ token: `bench-shared-budget-cell-${cellNumber}`, limits: 'documented', latencyMs: PACING_LATENCY_MS, requestLog: 500_000, ...extra });
}

/** Each process its own contacts (disjoint ranges), as rows of the endpoint's connector; `owner` maps contact → process. */
export function splitInputs(sim: RunningSimulator, endpoint: Endpoint, processes: number, rowsEach: number): { inputs: Record<string, string>[][]; owner: Map<number, number> } {
  const contacts = sim.data.contacts;
  const slice = Math.floor(contacts.length / processes);
  const owner = new Map<number, number>();
  const inputs = Array.from({ length: processes }, (_, p) => {
    const mine = contacts.slice(p * slice, (p + 1) * slice);
    for (const contact of mine) owner.set(contact.id, p);
    const rows: Record<string, string>[] =
      endpoint.endpoint === CONTACT
        ? mine.map((contact) => ({ Identifier: `id:${contact.id}` }))
        : mine.flatMap((contact) => sim.data.messagesOf(contact.id).map((message) => ({ Identifier: `id:${contact.id}`, MessageID: String(message.messageId) })));
    if (rows.length === 0) throw new Error(`shared-budget: process ${p} has no rows`);
    return Array.from({ length: rowsEach }, (_, i) => rows[i % rows.length] as Record<string, string>);
  });
  return { inputs, owner };
}

async function runCell(setup: Setup, endpoint: Endpoint, processes: number, mode: Mode, guardMs?: number): Promise<CellRun> {
  const sim = await simulatorFor();
  try {
    // More rows than a process can finish in runMs, even alone at the full limit.
    const rowsEach = Math.ceil(endpoint.limit * (setup.runMs / 1000 + 10));
    const { inputs, owner } = splitInputs(sim, endpoint, processes, rowsEach);
    const spawnedAt = performance.now();
    const run = await runProcesses(sim, {
      connector: endpoint.connector,
      inputs,
      ...(mode === 'shared' ? { redisUrl: setup.redis.url } : {}),
      ...(guardMs === undefined ? {} : { guardMs }),
      concurrency: CONCURRENCY,
      runMs: setup.runMs,
      allSending: () => startsOf(attribute(sim.stats.log, endpoint.endpoint, owner), processes) !== undefined,
      priority: setup.clientPriority, dir: setup.dir,
    });
    const arrivals = attribute(sim.stats.log, endpoint.endpoint, owner);
    const starts = startsOf(arrivals, processes);
    if (!starts) throw new Error('shared-budget: a process never reached the simulator');
    const late = arrivals.filter((a) => a.status === 429).map((a) => `p${a.process + 1}@${round((a.at - starts.first) / 1000, 2)}s`);
    setup.context.note(`  ${mode}: loaded ${round((run.startedAt - spawnedAt) / 1000, 1)} s after spawn, all sending ${round(starts.allRunning - run.startedAt)} ms after their rows; 429s ${late.length === 0 ? 'none' : `at ${late.join(' ')}`}`);
    return {
      arrivals,
      window: wholeSecondRatio(arrivals, starts.allRunning, run.stoppedAt, endpoint.limit),
      http429: arrivals.filter((a) => a.status === 429).length,
      firstAt: starts.first,
      stoppedAt: run.stoppedAt,
      errorRows: run.summaries.reduce((sum, s) => sum + (s.errorRows ?? 0), 0),
    };
  } finally {
    await sim.close();
  }
}

function cellResult(endpoint: Endpoint, processes: number, shared: CellRun, perProcess: CellRun, guardMs: number): ScenarioResult {
  // The 1-minute load average when the cell ended: on a shared 2-core machine it explains most 429s of a shared cell.
  return {
    scenario: `shared-budget ${processes}×${endpoint.limit}/s`,
    rows: shared.window.accepted,
    seconds: shared.window.seconds,
    rowsPerSecond: round(shared.window.accepted / shared.window.seconds),
    connector: endpoint.connector,
    processes,
    limitRps: endpoint.limit,
    guardMs,
    ratioToLimit: round(shared.window.ratio, 3),
    http429: shared.http429,
    perProcessRatioToLimit: round(perProcess.window.ratio, 3),
    perProcessHttp429: perProcess.http429,
    perProcessSeconds: perProcess.window.seconds,
    latencyMs: PACING_LATENCY_MS.join('-'),
    loadAverage: round(loadavg()[0] ?? 0, 1),
  };
}

function panelOf(title: string, cell: CellRun, processes: number): FigurePanel {
  const from = cell.firstAt;
  // To the stop plus the rows that were in flight then, a second past it at most.
  const to = Math.min(cell.stoppedAt + 1000, (cell.arrivals.at(-1) as Arrival).at);
  return {
    title,
    points: trailingSeries(cell.arrivals, { from, to, stepMs: 100, processes }),
    http429At: cell.arrivals.filter((a) => a.status === 429 && a.at <= to).map((a) => round((a.at - from) / 1000, 2)),
  };
}

/**
 * Issue 11's benchmark: N CLI processes with one token against one simulator (its strict sliding window at the
 * documented limit), today's per-process pacer and the shared Redis budget in the same run; a half-repeated batch
 * (request coalescing); a foreign consumer spending 30 % of the budget. The figure goes to bench/figures/ (full run).
 */
export async function sharedBudget(context: BenchContext): Promise<ScenarioResult[]> {
  buildCli(context, 'shared-budget');
  return withSetup(context, context.quick ? RUN_MS_QUICK : RUN_MS_FULL, async (setup) => {
    const results: ScenarioResult[] = [];
    const cells = context.quick ? [{ processes: 3, endpoint: ENDPOINTS[10] }] : [10, 15].flatMap((limit) => PROCESSES_FULL.map((processes) => ({ processes, endpoint: ENDPOINTS[limit as 10 | 15] })));
    let figure: FigurePanel[] | undefined;
    for (const { processes, endpoint } of cells) {
      context.note(`shared-budget: ${processes} CLI process(es) × ${endpoint.connector} at ${endpoint.limit}/s, per-process pacer, then the shared budget (${setup.runMs / 1000} s each)`);
      const perProcess = await runCell(setup, endpoint, processes, 'per-process');
      const shared = await runCell(setup, endpoint, processes, 'shared');
      const result = cellResult(endpoint, processes, shared, perProcess, DEFAULT_GUARD_MS);
      context.note(`  per-process ${result.perProcessRatioToLimit} × limit, ${result.perProcessHttp429} × 429 · shared ${result.ratioToLimit}, ${result.http429} × 429`);
      results.push(result);
      if (processes === FIGURE_CELL.processes && endpoint.limit === FIGURE_CELL.limit) {
        figure = [panelOf("today's per-process pacer", perProcess, processes), panelOf('shared budget (Redis)', shared, processes)];
      }
    }
    if (figure) await writeFigure(context, figure);
    if (!context.quick) {
      results.push(await coalescing(setup));
      results.push(...(await foreignConsumer(setup)));
    }
    return results;
  });
}

/**
 * The simulator stands for respond.io, whose clock does not share our cores; here it shares 2 with the N clients (and
 * whatever else runs), and a late arrival stamp is a 429 the real server would not give. So this process (the
 * simulator) runs at a higher scheduling priority than the clients while the scenario runs, where the OS allows it
 * (root). The clients keep theirs: their send-time spread is what the guard is for.
 */
function prioritizeSimulator(context: BenchContext): { clients: number; restore: () => void } {
  const before = getPriority();
  try {
    setPriority(SIMULATOR_PRIORITY);
    context.note(`shared-budget: the simulator's process runs at priority ${SIMULATOR_PRIORITY}, the clients at ${before}`);
    return { clients: before, restore: () => setPriority(before) };
  } catch {
    context.note('shared-budget: could not raise the simulator\'s priority (not root): its arrival stamps may lag under load');
    return { clients: before, restore: () => undefined };
  }
}

async function withSetup<T>(context: BenchContext, runMs: number, job: (setup: Setup) => Promise<T>): Promise<T> {
  const redis = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'rc-bench-budget-'));
  const priority = prioritizeSimulator(context);
  try {
    return await job({ context, redis, dir, runMs, clientPriority: priority.clients });
  } finally {
    priority.restore();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeFigure(context: BenchContext, panels: FigurePanel[]): Promise<void> {
  const title = `${FIGURE_CELL.processes} CLI processes, one token, Get Contact at ${FIGURE_CELL.limit}/s (simulator: strict sliding window)`;
  const svg = await renderSvg(figureSpec(panels, FIGURE_CELL.limit, title));
  // The committed figure comes from a full run; a quick run's goes to a scratch file.
  const path = context.quick ? join(tmpdir(), 'shared-budget-quick.svg') : FIGURE_PATH;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  context.note(`shared-budget: figure written to ${path}`);
}

/**
 * Which of issue 11's client features (items 4 and 5) this checkout has, read from the client options' schema: what
 * a user can switch is what exists. Without them the rows say "not measured" instead of measuring something else.
 */
export function clientFeatures(): { coalesce: boolean; rateLimitHeaders: boolean } {
  const schema = JSON.parse(readFileSync(CLIENT_OPTIONS_SCHEMA, 'utf8')) as { properties?: Record<string, unknown> };
  return { coalesce: Object.hasOwn(schema.properties ?? {}, 'coalesce'), rateLimitHeaders: Object.hasOwn(schema.properties ?? {}, 'rateLimitHeaders') };
}

/** Rows per second in the steady state of a fixed batch: the request pace at the server × the rows each request answered. */
async function pairedBatch(setup: Setup, rows: number, connectorOptions?: Record<string, unknown>) {
  const endpoint = ENDPOINTS[10];
  const sim = await simulatorFor();
  try {
    const { inputs, owner } = splitInputs(sim, endpoint, 1, rows / 2);
    // Each contact twice in a row: with 8 rows in flight both copies are asked at the same moment.
    const paired = (inputs[0] as Record<string, string>[]).flatMap((row) => [row, row]);
    const run = await runProcesses(sim, { connector: endpoint.connector, inputs: [paired], ...(connectorOptions ? { connectorOptions } : {}), concurrency: 8, priority: setup.clientPriority, dir: setup.dir });
    const accepted = attribute(sim.stats.log, endpoint.endpoint, owner).filter((a) => a.status !== 429);
    const rowsPerSecond = arrivalRate(accepted.map((a) => ({ endpoint: endpoint.endpoint, status: a.status, at: a.at }))).rps * (rows / accepted.length);
    return { rowsPerSecond, requests: accepted.length, http429: sim.stats.totalRateLimited, errorRows: run.summaries[0]?.errorRows ?? 0 };
  } finally {
    await sim.close();
  }
}

/** One process, Get Contact at 10/s, rows in adjacent pairs of the same contact (half the rows repeat one); coalescing off beside it. */
async function coalescing(setup: Setup): Promise<ScenarioResult> {
  const endpoint = ENDPOINTS[10];
  const base = { scenario: 'shared-budget coalescing', connector: endpoint.connector, limitRps: endpoint.limit, processes: 1 };
  if (!clientFeatures().coalesce) return { ...base, rows: 0, seconds: 0, rowsPerSecond: 0, measured: false, note: 'not measured: coalescing not on main' };
  const rows = Math.round(2 * endpoint.limit * (setup.runMs / 1000));
  setup.context.note(`shared-budget: coalescing, ${rows} rows, each contact twice in a row; then the same with coalesce: false`);
  const on = await pairedBatch(setup, rows);
  const off = await pairedBatch(setup, rows, { coalesce: false });
  return {
    ...base,
    rows,
    seconds: round(rows / on.rowsPerSecond, 2),
    rowsPerSecond: round(on.rowsPerSecond),
    measured: true,
    requests: on.requests,
    ratioToLimit: round(on.rowsPerSecond / endpoint.limit, 3),
    http429: on.http429,
    errorRows: on.errorRows,
    withoutRequests: off.requests,
    withoutRatioToLimit: round(off.rowsPerSecond / endpoint.limit, 3),
    withoutHttp429: off.http429,
  };
}

/** One process, Get Contact at 10/s, while the simulator itself spends 30 % of that budget (its foreignConsumer). */
async function foreignConsumer(setup: Setup): Promise<ScenarioResult[]> {
  const endpoint = ENDPOINTS[10];
  const remaining = endpoint.limit * (1 - FOREIGN_SHARE);
  const variants: { label: string; connectorOptions?: Record<string, unknown> }[] = clientFeatures().rateLimitHeaders
    ? [{ label: 'headers learned' }, { label: 'headers ignored', connectorOptions: { rateLimitHeaders: false } }]
    : [{ label: 'headers ignored (learning not on main)' }];
  const results: ScenarioResult[] = [];
  for (const variant of variants) {
    const sim = await simulatorFor({ foreignConsumer: { [CONTACT]: FOREIGN_SHARE } });
    try {
      setup.context.note(`shared-budget: foreign consumer spending ${FOREIGN_SHARE * 100} % of ${endpoint.limit}/s, one process, ${variant.label}, ${FOREIGN_RUN_MS / 1000} s`);
      const { inputs, owner } = splitInputs(sim, endpoint, 1, Math.ceil(endpoint.limit * (FOREIGN_RUN_MS / 1000 + 10)));
      const run = await runProcesses(sim, {
        connector: endpoint.connector,
        inputs,
        ...(variant.connectorOptions ? { connectorOptions: variant.connectorOptions } : {}),
        concurrency: CONCURRENCY,
        runMs: FOREIGN_RUN_MS,
          priority: setup.clientPriority, dir: setup.dir,
      });
      const arrivals = attribute(sim.stats.log, endpoint.endpoint, owner);
      const first = (arrivals[0] as Arrival).at;
      const window = wholeSecondRatio(arrivals, first, run.stoppedAt, endpoint.limit);
      // 429s while it ran (the stop's in-flight tail is not "per minute of running").
      const http429 = arrivals.filter((a) => a.status === 429 && a.at <= run.stoppedAt).length;
      const minutes = (run.stoppedAt - first) / 60_000;
      results.push({
        scenario: `shared-budget foreign ${FOREIGN_SHARE * 100}% · ${variant.label}`,
        rows: window.accepted,
        seconds: window.seconds,
        rowsPerSecond: round(window.accepted / window.seconds),
        connector: endpoint.connector,
        limitRps: endpoint.limit,
        remainingRps: remaining,
        http429,
        http429PerMinute: round(http429 / minutes, 1),
        ratioToRemaining: round(window.accepted / (window.seconds * remaining), 3),
        foreignAccepted: sim.stats.foreign[CONTACT]?.accepted ?? 0,
        foreignRefused: sim.stats.foreign[CONTACT]?.refused ?? 0,
        loadAverage: round(loadavg()[0] ?? 0, 1),
      });
      setup.context.note(`  ${results.at(-1)?.http429PerMinute} × 429/min, ${results.at(-1)?.ratioToRemaining} × the remaining budget`);
    } finally {
      await sim.close();
    }
  }
  return results;
}

/** The coalescing and foreign-consumer rows alone (on demand: `--only shared-budget-client`), without the cells. */
export async function sharedBudgetClient(context: BenchContext): Promise<ScenarioResult[]> {
  buildCli(context, 'shared-budget-client');
  return withSetup(context, context.quick ? RUN_MS_QUICK : RUN_MS_FULL, async (setup) => [await coalescing(setup), ...(await foreignConsumer(setup))]);
}

/**
 * The gate guard g re-measured (not in the default run: `--only shared-budget-guard`): 6 processes × Get Contact at
 * 10/s on the shared budget, one run per guard.
 */
export async function sharedBudgetGuard(context: BenchContext): Promise<ScenarioResult[]> {
  buildCli(context, 'shared-budget-guard');
  return withSetup(context, context.quick ? RUN_MS_QUICK : RUN_MS_FULL, async (setup) => {
    const results: ScenarioResult[] = [];
    const endpoint = ENDPOINTS[10];
    for (const guardMs of GUARDS_MS) {
      context.note(`shared-budget-guard: 6 processes × ${endpoint.limit}/s, guard ${guardMs} ms`);
      const cell = await runCell(setup, endpoint, 6, 'shared', guardMs);
      results.push({
        scenario: `shared-budget-guard g=${guardMs}`,
        rows: cell.window.accepted,
        seconds: cell.window.seconds,
        rowsPerSecond: round(cell.window.accepted / cell.window.seconds),
        processes: 6,
        limitRps: endpoint.limit,
        guardMs,
        ceiling: round(1000 / (1000 + guardMs), 3),
        ratioToLimit: round(cell.window.ratio, 3),
        http429: cell.http429,
        loadAverage: round(loadavg()[0] ?? 0, 1),
      });
      context.note(`  ${results.at(-1)?.ratioToLimit} × limit, ${cell.http429} × 429`);
    }
    return results;
  });
}
