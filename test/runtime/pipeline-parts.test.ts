import t from 'tap';
import { rowWork } from '../helpers/row-work.js';
import type { ConnectorSession, Row } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import { silentLogger } from '../../runtime/logger.js';
import { foldInOrder, type FoldCounters, type FoldEnd, type SlotQueue } from '../../runtime/pipeline/fold.js';
import { MalformedInput } from '../../runtime/pipeline/malformed-input.js';
import type { Outcome, PipelineEvent } from '../../runtime/pipeline/outcome.js';
import { processRow, type RowWork } from '../../runtime/pipeline/process-row.js';
import { ReadAhead } from '../../runtime/pipeline/read-ahead.js';
import { runResult, statusOf } from '../../runtime/pipeline/result.js';
import { RowSlot, SLOT_CAPACITY } from '../../runtime/pipeline/row-slot.js';
import { endsRunAt, StopRule } from '../../runtime/pipeline/stop-rule.js';
import { statusCodeOf, type RunFailure } from '../../runtime/run-result.js';

// Each part of runPipeline on its own (runtime/pipeline/*.ts); test/runtime/pipeline.test.ts tests them together.
const tick = () => new Promise((resolve) => setImmediate(resolve));

t.test('RowSlot: a full slot makes its producer wait until the consumer takes a row or the row is aborted', async (t) => {
  const slot = new RowSlot(1);
  for (let i = 1; i < SLOT_CAPACITY; i += 1) t.equal(slot.push({ n: i }), undefined);
  const room = slot.push({ n: SLOT_CAPACITY });
  t.type(room, Promise, 'the row that fills the slot waits');
  let released = false;
  void room?.then(() => (released = true));
  await tick();
  t.notOk(released);
  t.same(slot.take(), { n: 1 });
  await tick();
  t.ok(released, 'taking a row makes room');
  const again = slot.push({ n: 'x' });
  let aborted = false;
  void again?.then(() => (aborted = true));
  slot.abort(new Error('stop'));
  await tick();
  t.ok(aborted && slot.isAborted, 'an abort releases the producer');
  slot.end({ kind: 'ok' });
  t.same(slot.outcome, { kind: 'ok' });
});

t.test('RowSlot: the consumer is woken by a streamed row at once, and by a one-row answer when its work settles', async (t) => {
  const stream = new RowSlot(3);
  stream.settled = new Promise(() => undefined); // a list still running
  const woken = stream.changed();
  stream.push({ a: 1 });
  await woken;
  t.same(stream.take(), { a: 1 });
  t.equal(stream.take(), undefined);
  const ended = stream.changed();
  stream.end({ kind: 'ok' });
  await ended;
  t.same(stream.outcome, { kind: 'ok' });

  let settle!: () => void;
  const single = new RowSlot(4);
  single.settled = new Promise((resolve) => (settle = resolve));
  let wokeUp = false;
  void single.changed().then(() => (wokeUp = true));
  single.end({ kind: 'ok', row: { n: 4 } });
  await tick();
  t.notOk(wokeUp, 'not woken by end() alone');
  settle();
  await tick();
  t.ok(wokeUp, 'woken once its work settled');
});

t.test('StopRule: k only moves down, and only rows after k are aborted', async (t) => {
  const run = new AbortController();
  const stop = new StopRule(run.signal);
  const slots = [1, 2, 3, 4, 5].map((index) => {
    const slot = new RowSlot(index);
    slot.controller = new AbortController();
    slot.settled = Promise.resolve();
    stop.enter(slot);
    return slot;
  });
  t.ok(stop.allows(100));
  stop.stopAtRow(4);
  t.same(slots.map((slot) => slot.isAborted), [false, false, false, false, true]);
  t.notOk(stop.allows(5));
  t.ok(stop.allows(4));
  stop.stopAtRow(5);
  t.equal(stop.stopAt, 4, 'a later failure does not move k up');
  stop.stopAtRow(2);
  t.same(slots.map((slot) => slot.isAborted), [false, false, true, true, true]);
  t.match(String(slots[2]?.controller?.signal.reason?.message), /row 2 failed first/);
  stop.leave(slots[0] as RowSlot);
  t.equal(stop.running().length, 4);
  run.abort();
  t.notOk(stop.allows(1), 'nothing starts once the run is over');
  stop.abortAll(new Error('end'));
  t.ok(slots.slice(1).every((slot) => slot.isAborted));
  t.notOk(slots[0]?.isAborted, 'a row that left is not aborted');
});

t.test('endsRunAt: a configuration error always, a failed row only in a Fail run', async (t) => {
  const failed: Outcome = { kind: 'failed', error: new RowError('RC_UPSTREAM_HTTP_ERROR', 404, 'no') };
  const fatal: Outcome = { kind: 'fatal', error: new ConfigurationError('RC_TOKEN_REJECTED', 'no') };
  t.same([endsRunAt(failed, 'Fail and return response'), endsRunAt(failed, 'Fail without response'), endsRunAt(failed, 'Do not fail and return response')], [true, true, false]);
  t.ok(endsRunAt(fatal, 'Do not fail and return response'));
  t.notOk(endsRunAt({ kind: 'ok' }, 'Fail and return response'));
});

t.test('ReadAhead: pulls at most readAhead rows ahead of the consumer, numbered from firstRow', async (t) => {
  let pulled = 0;
  function* source(): Generator<number> {
    for (let i = 0; i < 100; i += 1) {
      pulled += 1;
      yield i;
    }
  }
  let wanted = Number.POSITIVE_INFINITY;
  const reader = new ReadAhead(source(), { readAhead: 5, firstRow: 11, wants: (index) => index <= wanted, start: (index, raw) => ({ index, raw }) });
  reader.start();
  await tick();
  t.equal(reader.waiting, 5);
  t.equal(pulled, 5, 'paused once five rows wait');
  t.same(reader.shift(), { index: 11, raw: 0 });
  await tick();
  t.equal(pulled, 6, 'one taken, one more read');
  wanted = 18; // rows 11..16 are read; the stop rule now wants up to row 18 only
  reader.nudge();
  for (let i = 0; i < 5; i += 1) reader.shift();
  await reader.ended();
  t.equal(reader.lastRow, 18, 'no row after the one the stop rule still wants');
  t.ok(reader.inputDone);
});

t.test('ReadAhead: an input that throws ends reading and keeps the error', async (t) => {
  async function* broken(): AsyncGenerator<string> {
    yield 'a';
    throw new Error('disk read error');
  }
  const reader = new ReadAhead(broken(), { readAhead: 4, firstRow: 1, wants: () => true, start: (_index, raw) => raw });
  reader.start();
  await reader.ended();
  t.same(reader.queued(), ['a']);
  t.match(reader.inputError, /disk read error/);
});

/** Input rows are valid when they have a column ok. */
const work = (session: Partial<ConnectorSession>): RowWork => rowWork(session, (row) => (typeof row === 'object' && row !== null && 'ok' in row ? undefined : 'column ok is missing'));

t.test('processRow: one row, several rows, and every way a row fails', async (t) => {
  const one = await processRow(new RowSlot(1), { ok: 1 }, work({ process: async () => ({ n: 1 }) }));
  t.same(one, { kind: 'ok', row: { n: 1 } });
  const slot = new RowSlot(2);
  const many = await processRow(slot, { ok: 1 }, work({ process: async function* () { yield { n: 1 }; yield { n: 2 }; } }));
  t.same(many, { kind: 'ok' });
  t.same([slot.take(), slot.take()], [{ n: 1 }, { n: 2 }], 'the rows went through the slot');
  const outcomes = await Promise.all([
    processRow(new RowSlot(3), new MalformedInput('bad JSON', 9), work({})),
    processRow(new RowSlot(4), { nope: 1 }, work({})),
    processRow(new RowSlot(5), { ok: 1 }, work({ process: async () => ({ n: 'x' }) })),
    processRow(new RowSlot(6), { ok: 1 }, work({ process: async () => { throw new ConfigurationError('RC_TOKEN_REJECTED', 'rejected'); } })),
    processRow(new RowSlot(7), { ok: 1 }, work({ process: async () => { throw new TypeError('boom'); } })),
    processRow(new RowSlot(8), { ok: 1 }, work({ process: async function* () { yield { n: 1 }; throw new RowError('RC_UPSTREAM_HTTP_ERROR', 502, 'page 2'); } })),
  ]);
  t.same(outcomes.map((outcome) => outcome.kind), ['failed', 'failed', 'failed', 'fatal', 'failed', 'failed']);
  const messages = outcomes.map((outcome) => ('error' in outcome ? `${outcome.error.code} ${outcome.error.message}` : ''));
  t.match(messages, [/RC_MALFORMED_INPUT_LINE line 9: bad JSON/, /RC_INVALID_INPUT_ROW invalid input row: column ok is missing/, /RC_INVALID_OUTPUT_ROW/, /RC_TOKEN_REJECTED/, /RC_CONNECTOR_CRASHED connector error: boom/, /RC_UPSTREAM_HTTP_ERROR page 2/]);
});

t.test('processRow: a row after the stop is skipped without a call; an aborted list stops and is closed', async (t) => {
  const calls: number[] = [];
  const w = work({ process: async () => (calls.push(1), { n: 1 }) });
  w.stop.stopAtRow(3);
  t.same(await processRow(new RowSlot(4), { ok: 1 }, w), { kind: 'skipped' });
  t.same(calls, []);
  let closed = false;
  const slot = new RowSlot(1);
  const list = work({
    process: async function* () {
      try {
        for (let n = 0; ; n += 1) yield { n };
      } finally {
        closed = true;
      }
    },
  });
  const outcome = processRow(slot, { ok: 1 }, list);
  await tick();
  slot.abort(new Error('the run stopped'));
  const ended = await outcome;
  t.match(ended, { kind: 'failed', error: { code: 'RC_ABORTED', message: 'the run stopped' } });
  t.ok(closed, "the connector's generator ran its cleanup");
});

/** A queue of slots made by hand, each already ended, for the fold on its own. */
function queueOf(slots: RowSlot[]): SlotQueue {
  return { start() {}, shift: () => slots.shift(), inputDone: true, changed: () => Promise.resolve() };
}

function ended(index: number, outcome: Outcome, rows: Row[] = []): RowSlot {
  const slot = new RowSlot(index);
  for (const row of rows) slot.push(row);
  slot.end(outcome);
  return slot;
}

t.test('foldInOrder: applies the error behavior per input row and says how the run ended', async (t) => {
  const failure = (status: number): Outcome => ({ kind: 'failed', error: new RowError('RC_UPSTREAM_HTTP_ERROR', status, `said ${status}`) });
  const run = async (behavior: 'Fail and return response' | 'Fail without response' | 'Do not fail and return response') => {
    const counters: FoldCounters = { rowsEmitted: 0, errorRows: 0, rowsDone: 0 };
    let end: FoldEnd | undefined;
    const slots = [ended(1, { kind: 'ok', row: { n: 1 } }), ended(2, failure(502), [{ n: 2 }]), ended(3, failure(404)), ended(4, { kind: 'ok' }, [{ n: 4 }])];
    const events: PipelineEvent[] = [];
    const fold = foldInOrder<PipelineEvent>(
      queueOf(slots),
      { behavior, errorRow: (statusCode, message) => ({ StatusCode: statusCode, Message: message }), redact: (text) => text, logger: silentLogger, signal: new AbortController().signal },
      counters,
      { row: (input, row) => ({ type: 'row' as const, input, row }), settled: (input, outcome) => ({ type: 'settled' as const, input, outcome }) },
      async (e) => void (end = e),
    );
    for await (const event of fold) events.push(event);
    return { events: events.map((e) => (e.type === 'row' ? `${e.input}:${JSON.stringify(e.row)}` : `${e.input}=${e.outcome}`)), counters, end };
  };
  const fail = await run('Fail and return response');
  t.same(fail.events, ['1:{"n":1}', '1=ok', '2:{"n":2}', '2:{"StatusCode":502,"Message":"said 502"}', '2=error-row']);
  t.match(fail.end, { complete: false, unfinished: false, failure: { row: 2, statusCode: 502 } });
  const silent = await run('Fail without response');
  t.same(silent.events, ['1:{"n":1}', '1=ok', '2:{"n":2}', '2=dropped']);
  t.same(silent.counters, { rowsEmitted: 2, errorRows: 0, rowsDone: 2 });
  const goOn = await run('Do not fail and return response');
  t.equal(goOn.events.length, 9);
  t.same(goOn.counters, { rowsEmitted: 5, errorRows: 2, rowsDone: 4 });
  t.same(goOn.end, { complete: true, unfinished: false });
});

t.test('runResult: a failure wins over a cancel, a cancel over success; counts come from the fold', async (t) => {
  const counters: FoldCounters = { rowsEmitted: 3, errorRows: 1, rowsDone: 2 };
  const base = { connector: 'x', behavior: 'Fail and return response' as const, rowsRead: 4, counters, upstream: { requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 }, durationMs: 1 };
  t.equal(statusOf({ counters }), 'succeeded with errors');
  t.equal(statusOf({ counters: { ...counters, errorRows: 0 } }), 'succeeded');
  const cancelled = runResult({ ...base, cancelReason: 'engine stopped tok_1' }, (text) => text.replace('tok_1', '[REDACTED]'));
  t.match(cancelled, { status: 'cancelled', statusCode: 300, failure: { row: null, code: 'RC_ABORTED', message: 'engine stopped [REDACTED]' } });
  const failed = runResult({ ...base, cancelReason: 'x', failure: { row: 2, code: 'RC_INVALID_INPUT_ROW', statusCode: 400, message: 'bad' } }, (text) => text);
  t.match(failed, { status: 'failed', statusCode: 307, rowsRead: 4, rowsEmitted: 3, errorRows: 1 });
});

t.test('statusCodeOf: the platform codes of error-behavior.md — 201 no data, 307 only for an input failure', async (t) => {
  const failure = (code: RunFailure['code']): RunFailure => ({ row: 1, code, statusCode: 400, message: 'x' });
  t.equal(statusCodeOf('succeeded', 3, undefined), 200);
  t.equal(statusCodeOf('succeeded', 0, undefined), 201, 'no input rows: finished with no data');
  t.equal(statusCodeOf('succeeded with errors', 3, undefined), 202);
  for (const code of ['RC_INVALID_INPUT_ROW', 'RC_MALFORMED_INPUT_LINE', 'RC_INVALID_IDENTIFIER'] as const) t.equal(statusCodeOf('failed', 3, failure(code)), 307, `${code}: input failed`);
  t.equal(statusCodeOf('failed', 3, failure('RC_UPSTREAM_HTTP_ERROR')), 300, 'a connector failure');
  t.equal(statusCodeOf('failed', 3, undefined), 300, 'a failure without a row');
  t.equal(statusCodeOf('cancelled', 3, failure('RC_INVALID_INPUT_ROW')), 300, 'cancelled is never 307');
});
