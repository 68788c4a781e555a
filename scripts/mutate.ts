/**
 * `npm run mutate [group…]` — mutation testing (StrykerJS, tap runner, TypeScript checker) over the modules that decide
 * outcomes (scripts/mutation-groups.ts), one Stryker run per group, each incremental: results are kept in
 * reports/stryker-incremental/<group>.json (committed), so a fresh clone re-tests only mutants in code or tests that
 * changed since. Shared settings are in stryker.config.json. Not part of `npm test`: it is slow on 2 cores.
 * `npm run mutate -- --list` prints the groups; `npm run mutate -- pipeline budget` runs those two only;
 * `--force` ignores the incremental files (a full re-run); `--scores` prints the score per file from them (no run).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';
import { mutationGroups } from './mutation-groups.js';

type PartialStrykerOptions = ConstructorParameters<typeof Stryker>[0];

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const group of mutationGroups) console.log(`${group.name}: ${group.mutate.join(' ')}`);
  process.exit(0);
}
if (args.includes('--scores')) {
  console.log(scoreTable());
  process.exit(0);
}
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !mutationGroups.some((group) => group.name === name));
if (unknown.length > 0) {
  console.error(`unknown group(s): ${unknown.join(', ')}; the groups: ${mutationGroups.map((group) => group.name).join(', ')}`);
  process.exit(2);
}
const selected = names.length === 0 ? mutationGroups : mutationGroups.filter((group) => names.includes(group.name));

const summary: string[] = [];
for (const group of selected) {
  const started = Date.now();
  const options: PartialStrykerOptions = {
    mutate: group.mutate,
    tap: { testFiles: group.testFiles },
    incrementalFile: `reports/stryker-incremental/${group.name}.json`,
    force: args.includes('--force'),
    htmlReporter: { fileName: `reports/mutation/${group.name}.html` },
    jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
  };
  const { detected, valid } = score(await new Stryker(options).runMutationTest());
  summary.push(`${group.name}: ${percent(detected, valid)} (${detected}/${valid} detected) in ${Math.round((Date.now() - started) / 1000)} s`);
}
console.log(`\nmutation score per group:\n${summary.map((line) => `  ${line}`).join('\n')}`);

/** Stryker's mutation score: killed + timed out over every mutant that compiled and ran (no coverage counts as survived). */
function score(mutants: readonly { status: string }[]): { detected: number; valid: number; survived: number } {
  const count = (statuses: string[]): number => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
  return { detected: count(['Killed', 'Timeout']), valid: count(['Killed', 'Timeout', 'Survived', 'NoCoverage']), survived: count(['Survived', 'NoCoverage']) };
}

function percent(detected: number, valid: number): string {
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
}

/** `--scores`: a Markdown table per file from the committed incremental files (what TESTING.md shows). */
function scoreTable(): string {
  const rows = ['| group | file | score | killed+timeout / valid | survived | compile errors |', '|---|---|---|---|---|---|'];
  for (const group of mutationGroups) {
    const file = `reports/stryker-incremental/${group.name}.json`;
    if (!existsSync(file)) {
      rows.push(`| ${group.name} | (not measured yet) | | | | |`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, { mutants: { status: string }[] }> };
    for (const [path, { mutants }] of Object.entries(report.files)) {
      const { detected, valid, survived } = score(mutants);
      rows.push(`| ${group.name} | ${path} | ${percent(detected, valid)} | ${detected}/${valid} | ${survived} | ${mutants.filter((mutant) => mutant.status === 'CompileError').length} |`);
    }
  }
  return rows.join('\n');
}
