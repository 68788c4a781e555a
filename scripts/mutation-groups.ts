/**
 * The modules `npm run mutate` mutates, in groups: each group names the source files it mutates and the test files
 * that exercise them. Stryker runs once per group so a group's dry run (every test file run once, to learn which
 * test file covers which mutant) costs only that group's tests, and each group keeps its own incremental file.
 */
export interface MutationGroup {
  /** Also the name of its incremental file: reports/stryker-incremental/<name>.json. */
  name: string;
  mutate: string[];
  testFiles: string[];
}

const respondIo = (file: string): string => `connectors/respond-io/${file}`;

export const mutationGroups: readonly MutationGroup[] = [
  {
    name: 'retry-policy',
    mutate: ['retry-policy.ts', 'calculate-retry-delay.ts', 'retry-after.ts'].map(respondIo),
    testFiles: ['test/respond-io/retry-policy.test.ts'],
  },
  {
    name: 'stop-rule',
    mutate: ['runtime/pipeline/stop-rule.ts', 'runtime/error-behavior.ts', 'runtime/run-result.ts'],
    testFiles: ['test/runtime/error-behavior-table.test.ts', 'test/runtime/pipeline-parts.test.ts', 'test/runtime/pipeline.test.ts', 'test/runtime/configuration.test.ts'],
  },
  {
    name: 'secrets-auth',
    mutate: ['runtime/secrets.ts', 'runtime/bearer-token.ts', 'hosts/http/auth.ts'],
    testFiles: ['test/runtime/secrets.test.ts', 'test/http/auth.test.ts', 'test/http/secrets.test.ts'],
  },
  {
    name: 'outcome-table',
    mutate: ['outcome-table.ts'].map(respondIo),
    testFiles: ['test/respond-io/retry-policy.test.ts', 'test/respond-io/attempt-loop.test.ts'],
  },
  {
    name: 'identifier-columns',
    mutate: ['identifier.ts', 'columns.ts', 'contact-row.ts'].map(respondIo),
    testFiles: ['test/respond-io/identifier.test.ts', 'test/respond-io/columns.test.ts', 'test/connectors/get-contact.test.ts', 'test/connectors/get-message.test.ts'],
  },
  {
    name: 'budget',
    mutate: ['pacer.ts', 'budget/in-process-budget.ts', 'budget/rate-budget.ts', 'budget/idle-map.ts', 'budget/with-rate-budget.ts'].map(respondIo),
    testFiles: [
      'test/respond-io/pacing.test.ts',
      'test/respond-io/pacer-limiter.test.ts',
      'test/respond-io/budget/idle-map.test.ts',
      'test/respond-io/budget/in-process-budget.test.ts',
      'test/respond-io/budget/with-rate-budget.test.ts',
      'test/respond-io/attempt-loop-budget.test.ts',
    ],
  },
  {
    name: 'attempt-loop',
    mutate: ['attempt-loop.ts'].map(respondIo),
    testFiles: ['test/respond-io/attempt-loop.test.ts', 'test/respond-io/attempt-loop-budget.test.ts', 'test/respond-io/attempt-loop-details.test.ts', 'test/respond-io/client-status.test.ts', 'test/custom-channel/webhook-client.test.ts'],
  },
  {
    name: 'output-writers',
    mutate: ['batch/output/*.ts'],
    testFiles: ['test/batch/output-writers.test.ts', 'test/cli/run-formats.test.ts'],
  },
  {
    name: 'pipeline',
    mutate: ['runtime/pipeline.ts', 'runtime/pipeline/*.ts', '!runtime/pipeline/stop-rule.ts'],
    testFiles: ['test/runtime/pipeline.test.ts', 'test/runtime/pipeline-parts.test.ts', 'test/runtime/pipeline-many-rows.test.ts', 'test/runtime/pipeline-rows.test.ts', 'test/runtime/pipeline-core.test.ts'],
  },
  {
    name: 'redis-budget',
    mutate: ['budget/redis-budget.ts', 'budget/redis-keys.ts', 'budget/redis-scripts.ts'].map(respondIo),
    testFiles: ['test/respond-io/budget/redis-budget.test.ts', 'test/respond-io/budget/redis-scripts.test.ts', 'test/respond-io/budget/wiring.test.ts'],
  },
];
