/**
 * `npm run mutate [group…]` — mutation testing (StrykerJS, tap runner, TypeScript checker) over the modules that decide
 * outcomes (scripts/mutation-groups.ts), one Stryker run per group, each incremental: results are kept in
 * reports/stryker-incremental/<group>.json (committed), so a fresh clone re-tests only mutants in code or tests that
 * changed since. Shared settings are in stryker.config.json. Not part of `npm test`: it is slow on 2 cores.
 * `npm run mutate -- --list` prints the groups; `npm run mutate -- pipeline budget` runs those two only;
 * `--force` ignores the incremental files (a full re-run).
 */
import { Stryker } from '@stryker-mutator/core';
import { mutationGroups } from './mutation-groups.js';

type PartialStrykerOptions = ConstructorParameters<typeof Stryker>[0];

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const group of mutationGroups) console.log(`${group.name}: ${group.mutate.join(' ')}`);
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
  const results = await new Stryker(options).runMutationTest();
  const detected = results.filter((result) => result.status === 'Killed' || result.status === 'Timeout').length;
  const valid = results.filter((result) => result.status !== 'CompileError' && result.status !== 'RuntimeError' && result.status !== 'Ignored').length;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  summary.push(`${group.name}: ${score.toFixed(2)} % (${detected}/${valid} detected) in ${Math.round((Date.now() - started) / 1000)} s`);
}
console.log(`\nmutation score per group:\n${summary.map((line) => `  ${line}`).join('\n')}`);
