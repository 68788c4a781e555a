/**
 * `npm run mutate [group…]` — mutation testing (StrykerJS, tap runner, TypeScript checker) over the modules that decide
 * outcomes (scripts/mutation-groups.ts), one Stryker run per group, each incremental: results are kept in
 * reports/stryker-incremental/<group>.json (committed), so a fresh clone re-tests only mutants in code or tests that
 * changed since. Shared settings are in stryker.config.json. Not part of `npm test`: it is slow on 2 cores.
 * `npm run mutate -- --list` prints the groups; `npm run mutate -- pipeline budget` runs those two only;
 * `--force` ignores the incremental files (a full re-run); `--scores` prints the score per file from them (no run).
 * A group none of whose files changed since its last run (reports/stryker-incremental/<group>.inputs.json) is skipped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { mutationGroups, type MutationGroup } from './mutation-groups.js';

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
const force = args.includes('--force');
for (const group of selected) {
  const started = Date.now();
  const inputsFile = `reports/stryker-incremental/${group.name}.inputs.json`;
  const inputs = JSON.stringify(inputHashes(group), null, 2) + '\n';
  // Stryker's incremental mode still starts the checker and runs every test file once (minutes here); when neither a
  // mutated file nor a test file changed, it would reuse every result anyway (it diffs the same files), so skip it.
  if (!force && existsSync(inputsFile) && readFileSync(inputsFile, 'utf8') === inputs) {
    summary.push(`${group.name}: unchanged since the last run, results reused (reports/stryker-incremental/${group.name}.json)`);
    continue;
  }
  const options: PartialStrykerOptions = {
    mutate: group.mutate,
    tap: { testFiles: group.testFiles },
    incrementalFile: `reports/stryker-incremental/${group.name}.json`,
    force,
    htmlReporter: { fileName: `reports/mutation/${group.name}.html` },
    jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
  };
  const { detected, valid } = score(await new Stryker(options).runMutationTest());
  writeFileSync(inputsFile, inputs);
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

/** sha-256 of every file a group mutates or tests: when none changed, its incremental results stand as they are. */
function inputHashes(group: MutationGroup): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const file of [...expand(group.mutate), ...expand(group.testFiles)]) hashes[file] = createHash('sha256').update(readFileSync(file)).digest('hex');
  return hashes;
}

/** The groups' patterns: a path, `dir/*.ts`-style (a `*` in the file name only), or `!path` to leave one out. */
function expand(patterns: readonly string[]): string[] {
  const excluded = new Set(patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1)));
  const files = patterns
    .filter((pattern) => !pattern.startsWith('!'))
    .flatMap((pattern) => {
      if (!pattern.includes('*')) return [pattern];
      const name = new RegExp(`^${basename(pattern).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      return readdirSync(dirname(pattern)).filter((entry) => name.test(entry)).map((entry) => join(dirname(pattern), entry));
    });
  return [...new Set(files)].filter((file) => !excluded.has(file)).sort();
}
