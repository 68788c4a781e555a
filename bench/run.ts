/**
 * `npm run bench` (full, ~15 min) and `npm run bench -- --quick` (about a minute). Each scenario prints one JSON
 * line per result on stdout; progress goes to stderr; the run ends with a table. `--only pacing,http` runs a subset;
 * `--only shared-budget-guard` (the guard sweep) and `--only shared-budget-client` (coalescing, foreign consumer) run
 * on demand only.
 * Loopback only: every server is the simulator on 127.0.0.1.
 */
import { cpus } from 'node:os';
import { checkpoint } from './checkpoint.js';
import type { BenchContext, Scenario, ScenarioResult } from './common.js';
import { hostile } from './hostile.js';
import { http } from './http.js';
import { memory } from './memory.js';
import { overhead } from './overhead.js';
import { pacing } from './pacing.js';
import { retryAfter } from './retry-after.js';
import { sharedBudget, sharedBudgetClient, sharedBudgetGuard } from './shared-budget.js';
import { formatTable } from './table.js';

export const scenarios: Record<string, Scenario> = { pacing, overhead, checkpoint, http, memory, 'retry-after': retryAfter, hostile, 'shared-budget': sharedBudget };
/** Only when named in --only: measurements behind a default setting, not part of every run. */
export const onDemand: Record<string, Scenario> = { 'shared-budget-guard': sharedBudgetGuard, 'shared-budget-client': sharedBudgetClient };

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const known = { ...scenarios, ...onDemand };
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',') : Object.keys(scenarios);
  const unknown = only.filter((name) => !(name in known));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${Object.keys(known).join(', ')})`);
  const context: BenchContext = { quick, note: (text) => process.stderr.write(`${text}\n`) };
  context.note(`bench ${quick ? '--quick' : '(full)'}: node ${process.version}, ${cpus().length} cores`);
  const started = performance.now();
  const results: ScenarioResult[] = [];
  for (const name of only) {
    for (const result of await (known[name] as Scenario)(context)) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      results.push(result);
    }
  }
  process.stdout.write(`\n${formatTable(results)}\n\n${quick ? 'quick' : 'full'} run, ${Math.round((performance.now() - started) / 1000)} s, node ${process.version}, ${cpus().length} cores\n`);
}

await main(process.argv.slice(2));
