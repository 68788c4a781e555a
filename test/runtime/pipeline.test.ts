import fc from 'fast-check';
import t from 'tap';
import type { Row } from '../../runtime/connector.js';
import { errorBehaviors } from '../../runtime/error-behavior.js';
import { MalformedInput } from '../../runtime/pipeline.js';
import { eventLoopTurns, never } from '../helpers/event-loop.js';
import { fakePlugin, TEST_TOKEN } from '../helpers/fake-connector.js';
import { propertyRuns } from '../helpers/seed.js';

const connection = { Token: TEST_TOKEN };

t.test('invariant 2: any concurrency gives exactly the one-row-at-a-time output (property)', async (t) => {
  const identifier = fc.oneof(fc.integer({ min: 1, max: 999 }).map((n) => `id:${n}`), fc.constantFrom('fail:404', 'fail:500', 'crash', 'bad-output'));
  await fc.assert(
    fc.asyncProperty(
      fc.array(identifier, { maxLength: 25 }),
      fc.constantFrom(...errorBehaviors),
      fc.integer({ min: 2, max: 12 }),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 25, maxLength: 25 }),
      async (ids, behavior, concurrency, delays) => {
        const rows = ids.map((Identifier) => ({ Identifier }));
        const delayOf = new Map(ids.map((id, i) => [id, delays[i] ?? 0]));
        const settings = { 'Error behavior': behavior };
        const sequential = await fakePlugin().run({ connector: 'fake-contact', rows, connection, settings, concurrency: 1 }).collect();
        const concurrent = await fakePlugin({ delay: (id) => delayOf.get(id) ?? 0 }).run({ connector: 'fake-contact', rows, connection, settings, concurrency }).collect();
        t.same(concurrent.rows, sequential.rows);
        // rowsRead says how far input was read ahead before a Fail stop, which depends on timing; the output does not.
        const comparable = (r: typeof sequential.result) => ({ ...r, durationMs: 0, upstream: null, rowsRead: r.status === 'failed' ? 0 : r.rowsRead });
        t.same(comparable(concurrent.result), comparable(sequential.result));
        if (concurrent.result.failure) t.ok(concurrent.result.rowsRead >= (concurrent.result.failure.row ?? 0));
      },
    ),
    propertyRuns(40),
  );
});

t.test('a Fail run starts no row after the failed one and aborts those in flight', async (t) => {
  const calls: string[] = [];
  const aborted: string[] = [];
  // Row 2 fails at once. Row 1 is held until long after (its gate opens after many event-loop turns); rows 3.. are
  // held by gates that never open, so they are in flight when row 2 fails and only an abort ends them.
  const rows = [{ Identifier: 'id:1' }, { Identifier: 'fail:400' }, ...Array.from({ length: 40 }, (_, i) => ({ Identifier: `id:${i + 3}` }))];
  const gate = (id: string): Promise<void> | undefined => (id === 'fail:400' ? undefined : id === 'id:1' ? eventLoopTurns() : never());
  const { rows: out, result } = await fakePlugin({ calls, aborted, gate })
    .run({ connector: 'fake-contact', rows, connection, concurrency: 4 })
    .collect();
  t.same(out.map((row) => row.StatusCode), [200, 400], 'row 1, then the failure');
  t.equal(result.failure?.row, 2);
  t.same(calls, ['id:1', 'fail:400', 'id:3', 'id:4'], 'only the rows already running were called: none started after the failure');
  t.same([...aborted].sort(), ['id:3', 'id:4'], 'the rows in flight after the failure were aborted, row 1 (before it) was not');
});

t.test('backpressure: a paused consumer stops the runtime pulling input after a bounded window', async (t) => {
  let pulled = 0;
  function* endless(): Generator<Row> {
    for (let i = 1; ; i += 1) {
      pulled += 1;
      yield { Identifier: `id:${i}` };
    }
  }
  const handle = fakePlugin().run({ connector: 'fake-contact', rows: endless(), connection, concurrency: 4, readAhead: 16 });
  const iterator = handle[Symbol.asyncIterator]();
  await iterator.next();
  await eventLoopTurns(); // the consumer pauses; the runtime gets every chance to run ahead
  t.ok(pulled <= 1 + 16 + 1, `pulled ${pulled} rows while the consumer held 1`);
  const before = pulled;
  await eventLoopTurns();
  t.equal(pulled, before, 'no further pull while paused');
  await iterator.return?.();
  const result = await handle.result;
  t.equal(result.status, 'cancelled');
  t.match(result.failure?.message, /stopped reading/);
});

t.test('cancellation through an AbortSignal reaches in-flight calls', async (t) => {
  const aborted: string[] = [];
  const calls: string[] = [];
  const controller = new AbortController();
  const rows = Array.from({ length: 20 }, (_, i) => ({ Identifier: `id:${i + 1}` }));
  // Every call is held by a gate that never opens; the engine stops the task once the third (the last slot) started.
  const stopAtThird = (): void => void (calls.length === 3 && setImmediate(() => controller.abort(new Error('engine stopped the task'))));
  const handle = fakePlugin({ aborted, calls, gate: never, onCall: stopAtThird }).run({ connector: 'fake-contact', rows, connection, concurrency: 3, signal: controller.signal });
  const { rows: out, result } = await handle.collect();
  t.same(out, []);
  t.equal(result.status, 'cancelled');
  t.equal(result.failure?.message, 'engine stopped the task');
  t.equal(aborted.length, 3, 'each in-flight call saw the abort');
});

t.test('invalid input rows become 400 error rows naming the column, with no call made', async (t) => {
  const calls: string[] = [];
  const rows: unknown[] = [
    { Identifier: 'id:1' },
    {},
    { Identifier: 42 },
    { Identifier: null },
    { Identifier: '' },
    'just a string',
    [1, 2],
    new MalformedInput('Unexpected token } in JSON at position 12', 7),
    { Identifier: 'id:2', Extra: 'ignored' },
  ];
  const { rows: out, result } = await fakePlugin({ calls })
    .run({ connector: 'fake-contact', rows, connection, settings: { 'Error behavior': 'Do not fail and return response' } })
    .collect();
  t.same(calls, ['id:1', 'id:2'], 'only the valid rows were called');
  t.same(out.map((row) => row.StatusCode), [200, 400, 400, 400, 400, 400, 400, 400, 200]);
  const messages = out.map((row) => String(row.Message));
  t.match(messages[1], /column 'Identifier' is missing/);
  t.match(messages[2], /column 'Identifier' must be a string \(got the number 42\)/);
  t.match(messages[3], /column 'Identifier' does not allow null/);
  t.match(messages[4], /column 'Identifier' must be id:<number>/);
  t.match(messages[5], /a row must be a JSON object \(got the string "just a string"\)/);
  t.match(messages[6], /a row must be a JSON object \(got an array\)/);
  t.match(messages[7], /^line 7: Unexpected token/);
  t.equal(result.status, 'succeeded with errors');
  t.equal(result.errorRows, 7);
});

t.test('a bad input row ends a Fail run with status 307 (input failed)', async (t) => {
  const { result } = await fakePlugin().run({ connector: 'fake-contact', rows: [{ Identifier: 'id:1' }, { Identifier: 3 }], connection }).collect();
  t.equal(result.statusCode, 307);
  t.match(result.failure, { row: 2, code: 'RC_INVALID_INPUT_ROW', statusCode: 400 });
});

t.test('a connector crash or an invalid output row is a 500 error row, not a crashed run', async (t) => {
  const { rows } = await fakePlugin()
    .run({ connector: 'fake-contact', rows: [{ Identifier: 'crash' }, { Identifier: 'bad-output' }], connection, settings: { 'Error behavior': 'Do not fail and return response' } })
    .collect();
  t.same(rows.map((row) => row.StatusCode), [500, 500]);
  t.match(rows[0]?.Message, /connector error: cannot read properties/);
  t.match(rows[1]?.Message, /connector produced an invalid row: column 'ID' must be an integer/);
});

t.test('a configuration error met at a row stops the run in every setting, with no error row', async (t) => {
  for (const behavior of errorBehaviors) {
    const calls: string[] = [];
    const rows = [{ Identifier: 'id:1' }, { Identifier: 'fatal' }, { Identifier: 'id:3' }];
    const { rows: out, result } = await fakePlugin({ calls }).run({ connector: 'fake-contact', rows, connection, settings: { 'Error behavior': behavior }, concurrency: 1 }).collect();
    t.same(out.map((row) => row.ID), [1], behavior);
    t.equal(result.status, 'failed');
    t.match(result.failure, { row: 2, code: 'RC_TOKEN_REJECTED' });
    t.notOk(calls.includes('id:3'), 'no call after it');
  }
});

t.test('the token never reaches an error row or the run result, even when an error quotes it', async (t) => {
  const { rows, result } = await fakePlugin().run({ connector: 'fake-contact', rows: [{ Identifier: 'leak' }], connection }).collect();
  const text = JSON.stringify({ rows, result });
  t.notOk(text.includes(TEST_TOKEN));
  t.match(rows[0]?.Message, /upstream echoed \[REDACTED\]/);
});

t.test('an input iterator that throws fails the run after the rows before it', async (t) => {
  async function* broken(): AsyncGenerator<Row> {
    yield { Identifier: 'id:1' };
    throw new Error('disk read error');
  }
  const { rows, result } = await fakePlugin().run({ connector: 'fake-contact', rows: broken(), connection, settings: { 'Error behavior': 'Do not fail and return response' } }).collect();
  t.equal(rows.length, 1);
  t.equal(result.status, 'failed');
  t.match(result.failure?.message, /input failed after row 1: disk read error/);
});
