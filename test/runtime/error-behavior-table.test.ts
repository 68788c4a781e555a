import t from 'tap';
import { errorBehaviors, type ErrorBehavior } from '../../runtime/error-behavior.js';
import type { Row } from '../../runtime/connector.js';
import { fakePlugin, TEST_TOKEN } from '../helpers/fake-connector.js';
import { testRandom } from '../helpers/seed.js';

// error-behavior.md as a table: setting × failing-row positions × concurrency → exact output rows and run result.
// The expected rows come from a model written straight from the contract's table, not from the runtime.
const N = 10;
const positions: Record<string, number[]> = { none: [], first: [1], middle: [5], last: [N], several: [3, 6, 9] };

function inputRows(failing: number[]): Row[] {
  return Array.from({ length: N }, (_, i) => ({ Identifier: failing.includes(i + 1) ? 'fail:404' : `id:${i + 1}` }));
}

type Expected = { kind: 'ok'; id: number } | { kind: 'error'; status: number };

function model(behavior: ErrorBehavior, failing: number[]): { rows: Expected[]; status: string; failedRow?: number } {
  const k = failing.length ? Math.min(...failing) : undefined;
  const rows: Expected[] = [];
  for (let row = 1; row <= N; row += 1) {
    const failed = failing.includes(row);
    if (behavior === 'Do not fail and return response') {
      rows.push(failed ? { kind: 'error', status: 404 } : { kind: 'ok', id: row });
      continue;
    }
    if (row === k) {
      if (behavior === 'Fail and return response') rows.push({ kind: 'error', status: 404 });
      return { rows, status: 'failed', failedRow: k };
    }
    rows.push({ kind: 'ok', id: row });
  }
  const status = failing.length && behavior === 'Do not fail and return response' ? 'succeeded with errors' : 'succeeded';
  return { rows, status };
}

function observed(rows: Row[]): Expected[] {
  return rows.map((row) => (row.StatusCode === 200 ? { kind: 'ok', id: row.ID as number } : { kind: 'error', status: row.StatusCode as number }));
}

for (const behavior of errorBehaviors) {
  for (const [where, failing] of Object.entries(positions)) {
    for (const concurrency of [1, 8]) {
      t.test(`${behavior} · failing ${where} · concurrency ${concurrency}`, async (t) => {
        // Random latency makes later rows finish first, so order and first-failure-in-input-order are really tested.
        const random = testRandom(`${behavior} ${where} ${concurrency}`);
        const plugin = fakePlugin({ delay: () => random.int(0, 5) });
        const { rows, result } = await plugin
          .run({ connector: 'fake-contact', rows: inputRows(failing), connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': behavior }, concurrency })
          .collect();
        const want = model(behavior, failing);
        t.same(observed(rows), want.rows, 'exact rows, in input order');
        t.equal(result.status, want.status);
        t.equal(result.rowsEmitted, rows.length);
        t.equal(result.errorRows, rows.filter((row) => row.StatusCode !== 200).length);
        if (want.failedRow !== undefined) {
          t.equal(result.failure?.row, want.failedRow, 'the failure names the first failed row in input order');
          t.equal(result.failure?.statusCode, 404);
          t.equal(result.statusCode, 300);
        } else {
          t.equal(result.failure, undefined);
          t.equal(result.statusCode, failing.length ? 202 : 200);
          t.equal(result.rowsRead, N);
        }
        for (const row of rows.filter((r) => r.StatusCode !== 200)) {
          t.match(row.Message, /upstream said no/, 'error rows carry the message');
          const payload = Object.entries(row).filter(([column]) => column !== 'StatusCode' && column !== 'Message');
          t.ok(payload.every(([, value]) => value === null), 'every payload column of an error row is null');
        }
      });
    }
  }
}

t.test('Fail without response never emits the failed row, and the error is in the result and the log', async (t) => {
  const logged: string[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (_o: object, message?: string) => void logged.push(message ?? '') };
  const { rows, result } = await fakePlugin()
    .run({ connector: 'fake-contact', rows: inputRows([2]), connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': 'fail-without-response' }, logger })
    .collect();
  t.equal(rows.length, 1);
  t.equal(rows[0]?.StatusCode, 200);
  t.match(result.failure, { row: 2, code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 404 });
  t.match(logged.join('\n'), /row 2 failed: upstream said no/);
});

t.test('empty input finishes with no data (201) in every setting', async (t) => {
  for (const behavior of errorBehaviors) {
    const { rows, result } = await fakePlugin().run({ connector: 'fake-contact', rows: [], connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': behavior } }).collect();
    t.same(rows, []);
    t.equal(result.statusCode, 201, behavior);
  }
});
