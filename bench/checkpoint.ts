import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFiles } from '../batch/library-run.js';
import { Plugin } from '../runtime/plugin.js';
import { SchemaRegistry } from '../runtime/schema-registry.js';
import { startSimulator } from '../simulator/index.js';
import { fakeManifest } from '../test/helpers/fake-connector.js';
import { round, timed, type BenchContext, type ScenarioResult } from './common.js';
import { buildCli, runCli, writeRows } from './memory.js';
import { instant } from './overhead.js';

const ROWS_FULL = { throughput: 300_000, memory: 100_000 };
const ROWS_QUICK = { throughput: 60_000, memory: 3_000 };
const ROUNDS = 5;
const CONCURRENCY = 16;

/** How much slower the journaled run is than the one without, in percent of the baseline's rows/s (negative: faster). */
export function slowdownPercent(baselineRowsPerSecond: number, journaledRowsPerSecond: number): number {
  return round((1 - journaledRowsPerSecond / baselineRowsPerSecond) * 100, 1);
}

/**
 * What `--checkpoint` costs (issue 12): the same file batch with and without a journal, measured side by side in one
 * process. Throughput: the overhead scenario's instant connector at concurrency 16, NDJSON file in → NDJSON file out
 * (a journal needs files), best of five each, interleaved; wall time and the process's CPU time (steadier on a busy
 * machine), each as a slowdown against the unjournaled run. Memory: the built CLI against the simulator (as
 * *memory*), peak RSS with and without `--checkpoint`.
 */
export async function checkpoint(context: BenchContext, counts?: { throughput: number; memory: number }): Promise<ScenarioResult[]> {
  const rows = counts ?? (context.quick ? ROWS_QUICK : ROWS_FULL);
  const dir = mkdtempSync(join(tmpdir(), 'rc-bench-checkpoint-'));
  try {
    const speed = await throughput(context, dir, rows.throughput);
    return rows.memory > 0 ? [speed, await memory(context, dir, rows.memory)] : [speed]; // memory 0: the throughput only (tests)
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function throughput(context: BenchContext, dir: string, count: number): Promise<ScenarioResult> {
  const plugin = new Plugin(fakeManifest, SchemaRegistry.load(), [instant], undefined, runFiles);
  const input = join(dir, 'in.ndjson');
  writeFileSync(input, Array.from({ length: count }, (_, i) => `{"Identifier":"id:${1001 + (i % 5000)}"}\n`).join(''));
  const once = async (journaled: boolean): Promise<{ seconds: number; cpuSeconds: number }> => {
    const cpu = process.cpuUsage();
    const { seconds, value: result } = await timed(() =>
      plugin.run({
        connector: 'fake-contact',
        rows: { file: input },
        output: { file: join(dir, journaled ? 'journaled.ndjson' : 'plain.ndjson') },
        ...(journaled ? { checkpoint: { file: join(dir, 'run.journal') } } : {}),
        connection: { Token: 'bench-token-0000' },
        settings: { 'Error behavior': 'Do not fail and return response' },
        concurrency: CONCURRENCY,
      }),
    );
    const used = process.cpuUsage(cpu);
    if (result.rowsEmitted !== count || result.errorRows !== 0) throw new Error(`checkpoint: ${result.rowsEmitted} of ${count} rows came out`);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  };
  context.note(`checkpoint: ${count} rows file to file at concurrency ${CONCURRENCY}, with and without a journal`);
  await once(false); // warm-up: JIT, ajv's compiled code
  await once(true);
  const best = { plain: { seconds: Infinity, cpuSeconds: Infinity }, journaled: { seconds: Infinity, cpuSeconds: Infinity } };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, journaled] of [['plain', false], ['journaled', true]] as const) {
      const run = await once(journaled);
      best[name] = { seconds: Math.min(best[name].seconds, run.seconds), cpuSeconds: Math.min(best[name].cpuSeconds, run.cpuSeconds) };
    }
  }
  const { plain, journaled } = best;
  const rowsPerSecond = Math.round(count / journaled.seconds);
  const baselineRowsPerSecond = Math.round(count / plain.seconds);
  return {
    scenario: `checkpoint throughput c=${CONCURRENCY}`,
    rows: count,
    seconds: round(journaled.seconds, 3),
    rowsPerSecond,
    concurrency: CONCURRENCY,
    baselineRowsPerSecond,
    baselineSeconds: round(plain.seconds, 3),
    slowdownPercent: slowdownPercent(baselineRowsPerSecond, rowsPerSecond),
    cpuUsPerRow: round((journaled.cpuSeconds * 1e6) / count, 2),
    baselineCpuUsPerRow: round((plain.cpuSeconds * 1e6) / count, 2),
    cpuSlowdownPercent: slowdownPercent(count / plain.cpuSeconds, count / journaled.cpuSeconds),
  };
}

async function memory(context: BenchContext, dir: string, count: number): Promise<ScenarioResult> {
  buildCli(context, 'checkpoint');
  const sim = await startSimulator({ limits: false, latencyMs: 0, requestLog: 0 });
  try {
    const input = join(dir, `rows-${count}.ndjson`);
    await writeRows(sim, input, count);
    context.note(`checkpoint: the CLI over ${count} rows, peak RSS without and with --checkpoint`);
    const plain = await runCli(sim, input, [], CONCURRENCY, join(dir, 'plain-out.ndjson'));
    const journaled = await runCli(sim, input, [], CONCURRENCY, join(dir, 'journaled-out.ndjson'), ['--checkpoint', join(dir, 'cli.journal')]);
    for (const run of [plain, journaled]) {
      if (run.summary.rowsEmitted !== count) throw new Error(`checkpoint: ${count} rows in, summary ${JSON.stringify(run.summary)}`);
    }
    const peakRssMb = round(journaled.peakRssKb / 1024, 1);
    const baselinePeakRssMb = round(plain.peakRssKb / 1024, 1);
    return {
      scenario: `checkpoint memory ${count}`,
      rows: count,
      seconds: round(journaled.seconds, 2),
      rowsPerSecond: Math.round(count / journaled.seconds),
      concurrency: CONCURRENCY,
      peakRssMb,
      baselinePeakRssMb,
      baselineRowsPerSecond: Math.round(count / plain.seconds),
      ratioToBaseline: round(peakRssMb / baselinePeakRssMb, 3),
      rssMeasuredBy: journaled.measuredBy,
    };
  } finally {
    await sim.close();
  }
}
