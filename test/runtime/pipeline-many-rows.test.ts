import fc from 'fast-check';
import t from 'tap';
import type { Row } from '../../runtime/connector.js';
import { errorBehaviors, type ErrorBehavior } from '../../runtime/error-behavior.js';
import type { PipelineEvent } from '../../runtime/pipeline.js';
import { SLOT_CAPACITY } from '../../runtime/pipeline/row-slot.js';
import { eventLoopTurns } from '../helpers/event-loop.js';
import { fakePlugin, TEST_TOKEN } from '../helpers/fake-connector.js';
import { propertyRuns } from '../helpers/seed.js';

// Connectors that yield several rows for one input row (error-behavior.md, "Extensions (2026-12)"): the error
// behavior applies per INPUT row, rows come out in input order, and the rows of one input row are streamed.
const connection = { Token: TEST_TOKEN };
const ids = (rows: Row[]) => rows.map((row) => `${String(row.FirstName)}#${String(row.ID)}/${String(row.StatusCode)}`);

t.test('several rows per input row come out in input order, whatever the concurrency', async (t) => {
  const rows = [{ Identifier: 'many:3' }, { Identifier: 'id:7' }, { Identifier: 'many:0' }, { Identifier: 'many:2' }];
  const { rows: out, result } = await fakePlugin({ delay: (id) => (id === 'many:3' ? 20 : 0) }).run({ connector: 'fake-contact', rows, connection, concurrency: 4 }).collect();
  t.same(ids(out), ['many:3#1/200', 'many:3#2/200', 'many:3#3/200', 'id:7#7/200', 'many:2#1/200', 'many:2#2/200']);
  t.match(result, { status: 'succeeded', rowsRead: 4, rowsEmitted: 6, errorRows: 0 });
});

t.test('an input row that fails after yielding keeps its rows and adds one error row (none without response)', async (t) => {
  const rows = [{ Identifier: 'id:1' }, { Identifier: 'many-then-fail:2' }, { Identifier: 'id:3' }];
  const want: Record<ErrorBehavior, string[]> = {
    'Fail and return response': ['id:1#1/200', 'many-then-fail:2#1/200', 'many-then-fail:2#2/200', 'null#null/502'],
    'Fail without response': ['id:1#1/200', 'many-then-fail:2#1/200', 'many-then-fail:2#2/200'],
    'Do not fail and return response': ['id:1#1/200', 'many-then-fail:2#1/200', 'many-then-fail:2#2/200', 'null#null/502', 'id:3#3/200'],
  };
  for (const behavior of errorBehaviors) {
    const { rows: out, result } = await fakePlugin().run({ connector: 'fake-contact', rows, connection, settings: { 'Error behavior': behavior }, concurrency: 2 }).collect();
    t.same(ids(out), want[behavior], behavior);
    const errorRows = behavior === 'Fail without response' ? 0 : 1;
    t.match(result, { rowsRead: behavior === 'Do not fail and return response' ? 3 : Number, rowsEmitted: want[behavior].length, errorRows }, behavior);
    if (behavior !== 'Do not fail and return response') t.match(result.failure, { row: 2, statusCode: 502, message: /next page of many-then-fail:2/ }, behavior);
  }
});

t.test('every yielded row is checked against the output schema', async (t) => {
  const { rows: out, result } = await fakePlugin()
    .run({ connector: 'fake-contact', rows: [{ Identifier: 'many-then-bad:2' }, { Identifier: 'id:2' }], connection, settings: { 'Error behavior': 'Do not fail and return response' } })
    .collect();
  t.same(ids(out), ['many-then-bad:2#1/200', 'many-then-bad:2#2/200', 'null#null/500', 'id:2#2/200']);
  t.match(out[2]?.Message, /connector produced an invalid row: column 'ID' must be an integer/);
  t.equal(result.errorRows, 1);
});

t.test('100,000 rows for one input row are streamed: the connector runs ahead of the consumer by a bounded window', async (t) => {
  const COUNT = 100_000;
  let produced = 0;
  let consumed = 0;
  let widest = 0;
  const handle = fakePlugin({ onYield: () => (produced += 1) }).run({ connector: 'fake-contact', rows: [{ Identifier: `many:${COUNT}` }, { Identifier: 'id:5' }], connection, concurrency: 4 });
  const iterator = handle[Symbol.asyncIterator]();
  const first = await iterator.next();
  consumed += 1;
  t.equal(first.value?.ID, 1);
  await eventLoopTurns(); // the consumer pauses; the list must wait for it
  t.ok(produced <= consumed + SLOT_CAPACITY + 1, `paused consumer: produced ${produced}, consumed ${consumed}`);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    consumed += 1;
    widest = Math.max(widest, produced - consumed);
  }
  t.equal(consumed, COUNT + 1, 'every row, once');
  t.equal(produced, COUNT);
  t.ok(widest <= SLOT_CAPACITY + 1, `at most ${SLOT_CAPACITY + 1} rows ahead of the consumer (widest gap ${widest})`);
  t.match(await handle.result, { status: 'succeeded', rowsRead: 2, rowsEmitted: COUNT + 1 });
});

t.test('a consumer that stops in the middle of a list cancels the run and closes the list', async (t) => {
  let produced = 0;
  const handle = fakePlugin({ onYield: () => (produced += 1) }).run({ connector: 'fake-contact', rows: [{ Identifier: 'many:100000' }], connection });
  let taken = 0;
  for await (const row of handle) {
    taken += 1;
    if (row.ID === 10) break;
  }
  const result = await handle.result;
  t.equal(taken, 10);
  t.match(result, { status: 'cancelled', rowsEmitted: 10, failure: { message: /stopped reading/ } });
  const after = produced;
  await eventLoopTurns();
  t.equal(produced, after, 'the list yields nothing more');
  t.ok(produced <= 10 + SLOT_CAPACITY + 1, `it ran ahead by a slot at most (${produced})`);
});

t.test('a later row waiting behind a long list holds its rows in a bounded slot, and is aborted by a Fail stop', async (t) => {
  let producedLater = 0;
  const aborted: string[] = [];
  // Row 1 is slow and fails (held by a gate that opens after many event-loop turns: the list gets every chance to run
  // ahead meanwhile); row 2 is a long list that starts at once and must not run ahead unboundedly.
  const rows = [{ Identifier: 'fail:503' }, { Identifier: 'many:50000' }];
  const gate = (id: string): Promise<void> | undefined => (id === 'fail:503' ? eventLoopTurns() : undefined);
  const { rows: out, result } = await fakePlugin({ aborted, gate, onYield: (id) => id === 'many:50000' && (producedLater += 1) })
    .run({ connector: 'fake-contact', rows, connection, concurrency: 2 })
    .collect();
  t.same(ids(out), ['null#null/503']);
  t.equal(result.failure?.row, 1);
  t.ok(producedLater <= SLOT_CAPACITY + 1, `the waiting list yielded ${producedLater} rows, no more than its slot holds`);
});

t.test('events(): a row event per output row, one settled event per input row, also for an empty list', async (t) => {
  const rows = [{ Identifier: 'many:2' }, { Identifier: 'many:0' }, { Identifier: 'fail:404' }, { Identifier: 'many-then-fail:1' }, { Identifier: 'id:5' }];
  const events: PipelineEvent[] = [];
  const handle = fakePlugin().run({ connector: 'fake-contact', rows, connection, settings: { 'Error behavior': 'Do not fail and return response' }, concurrency: 3 });
  for await (const event of handle.events()) events.push(event);
  const text = events.map((event) => (event.type === 'row' ? `row ${event.input}:${String(event.row.StatusCode)}` : `settled ${event.input}:${event.outcome}`));
  t.same(text, ['row 1:200', 'row 1:200', 'settled 1:ok', 'settled 2:ok', 'row 3:404', 'settled 3:error-row', 'row 4:200', 'row 4:502', 'settled 4:error-row', 'row 5:200', 'settled 5:ok']);
  t.same(handle.progress(), { ...handle.progress(), rowsRead: 5, rowsDone: 5, rowsEmitted: 6, errorRows: 2, pending: 0, done: true });
  t.throws(() => handle[Symbol.asyncIterator](), /iterated once/, 'events() is the one iteration');
});

t.test('events(): under Fail without response the failed row settles as dropped, and rows after it never settle', async (t) => {
  const rows = [{ Identifier: 'id:1' }, { Identifier: 'many-then-fail:1' }, { Identifier: 'id:3' }];
  const events: PipelineEvent[] = [];
  const handle = fakePlugin().run({ connector: 'fake-contact', rows, connection, settings: { 'Error behavior': 'Fail without response' }, concurrency: 1 });
  for await (const event of handle.events()) events.push(event);
  t.same(events.map((event) => `${event.type} ${event.input}${event.type === 'settled' ? `:${event.outcome}` : ''}`), ['row 1', 'settled 1:ok', 'row 2', 'settled 2:dropped']);
  t.match(handle.progress(), { rowsDone: 2, errorRows: 0 });
});

t.test('firstRow: a resumed run keeps its row numbers in events, failures and messages', async (t) => {
  const rows = [{ Identifier: 'id:1' }, { Identifier: 'fail:404' }, { Identifier: 'id:3' }];
  const plugin = fakePlugin();
  const handle = plugin.run({ connector: 'fake-contact', rows, connection, concurrency: 2, firstRow: 41 });
  const events: PipelineEvent[] = [];
  for await (const event of handle.events()) events.push(event);
  t.same(events.map((event) => event.input), [41, 41, 42, 42]);
  t.match(await handle.result, { rowsRead: Number, failure: { row: 42, statusCode: 404 } });
  async function* broken(): AsyncGenerator<Row> {
    yield { Identifier: 'id:1' };
    throw new Error('disk read error');
  }
  const { result } = await plugin.run({ connector: 'fake-contact', rows: broken(), connection, firstRow: 100 }).collect();
  t.match(result.failure?.message, /input failed after row 100: disk read error/);
  t.throws(() => plugin.run({ connector: 'fake-contact', rows, connection, firstRow: 0 }), /firstRow must be an integer/);
});

t.test('progress: rowsDone counts input rows whose outcome is known, not rows emitted', async (t) => {
  const handle = fakePlugin().run({ connector: 'fake-contact', rows: [{ Identifier: 'many:5' }, { Identifier: 'id:2' }], connection, concurrency: 1 });
  const iterator = handle[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.next();
  t.match(handle.progress(), { rowsEmitted: 2, rowsDone: 0 }, 'two rows out, the input row not over yet');
  for (let next = await iterator.next(); !next.done; next = await iterator.next());
  t.match(handle.progress(), { rowsRead: 2, rowsEmitted: 6, rowsDone: 2, pending: 0 });
});

// Invariants 1–4 in their "rows of input row j" form, against a model written from error-behavior.md.
type Fate = { rows: string[]; fails: boolean };

function fateOf(identifier: string, j: number): Fate {
  const many = /^(many|many-then-fail):(\d+)$/.exec(identifier);
  if (many) {
    const rows = Array.from({ length: Number(many[2]) }, (_, i) => `${j}:ok:${i + 1}`);
    return { rows, fails: many[1] === 'many-then-fail' };
  }
  return identifier.startsWith('fail:') ? { rows: [], fails: true } : { rows: [`${j}:ok:${identifier.slice(3)}`], fails: false };
}

function model(identifiers: string[], behavior: ErrorBehavior): { rows: string[]; failedRow: number | undefined } {
  const out: string[] = [];
  for (const [i, identifier] of identifiers.entries()) {
    const j = i + 1;
    const fate = fateOf(identifier, j);
    out.push(...fate.rows);
    if (!fate.fails) continue;
    if (behavior !== 'Fail without response') out.push(`${j}:error`);
    if (behavior !== 'Do not fail and return response') return { rows: out, failedRow: j };
  }
  return { rows: out, failedRow: undefined };
}

t.test('invariants 1–4 for several rows per input row (property, seeded)', async (t) => {
  const identifier = fc.oneof(
    fc.integer({ min: 1, max: 99 }).map((n) => `id:${n}`),
    fc.integer({ min: 0, max: 4 }).map((n) => `many:${n}`),
    fc.integer({ min: 0, max: 3 }).map((n) => `many-then-fail:${n}`),
    fc.constant('fail:404'),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(identifier, { maxLength: 15 }),
      fc.constantFrom(...errorBehaviors),
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 15, maxLength: 15 }),
      async (identifiers, behavior, concurrency, delays) => {
        const rows = identifiers.map((Identifier) => ({ Identifier }));
        const delayOf = new Map(identifiers.map((id, i) => [id, delays[i] ?? 0]));
        const calls: string[] = [];
        const events: PipelineEvent[] = [];
        const handle = fakePlugin({ calls, delay: (id) => delayOf.get(id) ?? 0 }).run({ connector: 'fake-contact', rows, connection, settings: { 'Error behavior': behavior }, concurrency });
        for await (const event of handle.events()) events.push(event);
        const result = await handle.result;
        // Invariant 1: the rows of input row j come in input order, and belong to row j.
        const seen = events.filter((event) => event.type === 'row').map((event) => event.row.StatusCode === 200 ? `${event.input}:ok:${String(event.row.ID)}` : `${event.input}:error`);
        const inputs = events.map((event) => event.input);
        t.same(inputs, [...inputs].sort((a, b) => a - b), 'events in input order');
        // Invariant 2: the output is the one-row-at-a-time output, which is the contract's model.
        const want = model(identifiers, behavior);
        t.same(seen, want.rows);
        t.equal(result.failure?.row, want.failedRow);
        // Invariant 3: in Do not fail, every input row settles once, with all its rows.
        if (behavior === 'Do not fail and return response') {
          t.same(events.filter((event) => event.type === 'settled').map((event) => event.input), identifiers.map((_, i) => i + 1));
        }
        // Invariant 4: no row is called twice because another row failed.
        t.equal(new Set(calls).size === calls.length || identifiers.length !== new Set(identifiers).size, true);
        t.equal(calls.length <= identifiers.length, true);
      },
    ),
    propertyRuns(60),
  );
});
