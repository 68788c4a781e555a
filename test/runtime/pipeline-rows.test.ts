import t from 'tap';
import { eventLoopTurns, never } from '../helpers/event-loop.js';
import { rowWork } from '../helpers/row-work.js';
import type { ConnectorSession, Row } from '../../runtime/connector.js';
import { ConfigurationError, RowError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import { foldInOrder, type FoldCounters, type SlotQueue } from '../../runtime/pipeline/fold.js';
import { MalformedInput } from '../../runtime/pipeline/malformed-input.js';
import type { Outcome } from '../../runtime/pipeline/outcome.js';
import { processRow, reasonText, type RowWork } from '../../runtime/pipeline/process-row.js';
import { ReadAhead } from '../../runtime/pipeline/read-ahead.js';
import { RowSlot } from '../../runtime/pipeline/row-slot.js';

// The edges of processRow, ReadAhead, RowSlot and foldInOrder that pipeline-parts.test.ts leaves open: how a
// connector's iterator is closed (or not), when readers and consumers wake, and what a failed row logs.
const tick = (): Promise<void> => eventLoopTurns(1);

const work = (session: Partial<ConnectorSession>): RowWork => rowWork(session);

/** An async iterable of rows that records whether return() was called on it. */
function recordedList(rows: Row[], failAfter?: Error) {
  const record = { returned: 0 };
  const iterable: AsyncIterable<Row> = {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: async () => {
          if (i < rows.length) return { done: false, value: rows[i++] as Row };
          if (failAfter) throw failAfter;
          return { done: true, value: undefined };
        },
        return: async () => {
          record.returned += 1;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { record, iterable };
}

t.test('processRow: a malformed line without a line number says "malformed input"', async (t) => {
  const outcome = await processRow(new RowSlot(1), new MalformedInput('not JSON'), work({}));
  t.match(outcome, { kind: 'failed', error: { code: 'RC_MALFORMED_INPUT_LINE', message: 'malformed input: not JSON' } });
});

t.test('reasonText: an Error gives its message, no reason "aborted", anything else its text', async (t) => {
  t.equal(reasonText(new Error('engine stopped')), 'engine stopped');
  t.equal(reasonText(undefined), 'aborted');
  t.equal(reasonText('user cancelled'), 'user cancelled');
});

t.test('processRow: a list that ends, or whose iterator throws, is not closed again', async (t) => {
  const done = recordedList([{ n: 1 }, { n: 2 }]);
  t.same(await processRow(new RowSlot(1), {}, work({ process: () => done.iterable })), { kind: 'ok' });
  t.equal(done.record.returned, 0, 'an iterator that said done is closed already');
  const thrown = recordedList([{ n: 1 }], new TypeError('socket hang up'));
  t.match(await processRow(new RowSlot(2), {}, work({ process: () => thrown.iterable })), { kind: 'failed', error: { code: 'RC_CONNECTOR_CRASHED' } });
  t.equal(thrown.record.returned, 0, 'an iterator that threw is closed already');
  const invalid = recordedList([{ n: 'x' }, { n: 2 }]);
  t.match(await processRow(new RowSlot(3), {}, work({ process: () => invalid.iterable })), { kind: 'failed', error: { code: 'RC_INVALID_OUTPUT_ROW' } });
  t.equal(invalid.record.returned, 1, 'a list stopped early is closed once');
});

t.test('processRow: a row aborted before its list starts ends RC_ABORTED, not as a crash', async (t) => {
  const slot = new RowSlot(1);
  slot.abort(undefined); // the stop reached the row before its call began: no controller to abort yet
  const outcome = await processRow(slot, {}, work({ process: async function* () { yield { n: 1 }; yield { n: 2 }; } }));
  t.match(outcome, { kind: 'failed', error: { code: 'RC_ABORTED', message: 'aborted' } });
});

t.test('processRow: a connector that throws its own error on abort ends RC_ABORTED with the reason', async (t) => {
  const slot = new RowSlot(1);
  const outcome = processRow(slot, {}, work({
    process: (_row, context) => new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new TypeError('fetch failed')))),
  }));
  await tick();
  slot.abort(new Error('row 1 failed first'));
  t.match(await outcome, { kind: 'failed', error: { code: 'RC_ABORTED', message: 'row 1 failed first' } });
});

t.test('processRow: a connector crash keeps its cause; a thrown null is a crash, not a throw', async (t) => {
  const boom = new TypeError('boom');
  const crashed = await processRow(new RowSlot(1), {}, work({ process: () => Promise.reject(boom) }));
  t.equal(crashed.kind === 'failed' && crashed.error.cause, boom, 'the original error is the cause');
  const nothing = await processRow(new RowSlot(2), {}, work({ process: () => Promise.reject(null) }));
  t.match(nothing, { kind: 'failed', error: { code: 'RC_CONNECTOR_CRASHED', message: 'connector error: null' } });
});

t.test('ReadAhead: does not pull a row past the last one wanted', async (t) => {
  let pulled = 0;
  function* source(): Generator<number> {
    for (let i = 0; i < 10; i += 1) {
      pulled += 1;
      yield i;
    }
  }
  const reader = new ReadAhead(source(), { readAhead: 8, firstRow: 11, wants: (index) => index <= 13, start: (index) => index });
  reader.start();
  await reader.ended();
  t.same(reader.queued(), [11, 12, 13]);
  t.equal(pulled, 3, 'row 14 is not wanted, so it is not read either');
});

t.test('ReadAhead: stop() ends a paused reader, wakes the consumer and closes the source', async (t) => {
  let closed = false;
  function* source(): Generator<number> {
    try {
      for (let i = 0; ; i += 1) yield i;
    } finally {
      closed = true;
    }
  }
  const reader = new ReadAhead(source(), { readAhead: 2, firstRow: 1, wants: () => true, start: (index) => index });
  reader.start();
  await tick();
  t.equal(reader.waiting, 2, 'paused: two rows wait');
  let ended = false;
  let woken = false;
  void reader.ended().then(() => (ended = true));
  void reader.changed().then(() => (woken = true));
  reader.stop();
  await tick();
  t.ok(ended, 'the read loop ended');
  t.ok(woken, 'the consumer woke');
  t.ok(closed, "the source's cleanup ran");
  t.same(reader.queued(), [1, 2], 'nothing read after the stop');
});

t.test('ReadAhead: stop() after the input ended does not close the source again', async (t) => {
  const list = recordedList([{ n: 1 }]);
  const reader = new ReadAhead(list.iterable, { readAhead: 4, firstRow: 1, wants: () => true, start: (index) => index });
  reader.start();
  await reader.ended();
  reader.stop();
  await tick();
  t.equal(list.record.returned, 0);
});

t.test('ReadAhead: nudge() lets a paused reader see that no more rows are wanted', async (t) => {
  let wanted = Number.POSITIVE_INFINITY;
  const reader = new ReadAhead([1, 2, 3, 4, 5], { readAhead: 2, firstRow: 1, wants: (index) => index <= wanted, start: (index) => index });
  reader.start();
  await tick();
  let ended = false;
  void reader.ended().then(() => (ended = true));
  wanted = 2;
  await tick();
  t.notOk(ended, 'still waiting for room');
  reader.nudge();
  await tick();
  t.ok(ended, 'woken, it stops reading without a row taken');
  t.equal(reader.lastRow, 2);
});

t.test('RowSlot: startStream() wakes a waiting consumer, and the stream\'s end wakes it again', async (t) => {
  const slot = new RowSlot(1);
  slot.settled = never(); // the list is still running
  let woken = 0;
  void slot.changed().then(() => (woken += 1));
  slot.startStream();
  await tick();
  t.equal(woken, 1, 'woken when the list started');
  void slot.changed().then(() => (woken += 1));
  slot.end({ kind: 'ok' });
  await tick();
  t.equal(woken, 2, 'woken when an empty list ended');
});

t.test('RowSlot: aborting its controller from outside counts as aborted', async (t) => {
  const slot = new RowSlot(1);
  slot.controller = new AbortController();
  t.notOk(slot.isAborted);
  slot.controller.abort(new Error('run cancelled'));
  t.ok(slot.isAborted);
});

function recordingLogger() {
  const lines: { level: string; object: object; message: string | undefined }[] = [];
  const at = (level: string) => (object: object, message?: string) => void lines.push({ level, object, message });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger };
}

function slotEnded(index: number, outcome: Outcome, rows: Row[] = []): RowSlot {
  const slot = new RowSlot(index);
  for (const row of rows) slot.push(row);
  slot.end(outcome);
  return slot;
}

async function fold(slots: RowSlot[], behavior: 'Fail and return response' | 'Do not fail and return response', logger: Logger, signal = new AbortController().signal) {
  const queue: SlotQueue = { start() {}, shift: () => slots.shift(), inputDone: true, changed: () => Promise.resolve() };
  const counters: FoldCounters = { rowsEmitted: 0, errorRows: 0, rowsDone: 0 };
  const errorRow = (statusCode: number, message: string) => ({ StatusCode: statusCode, Message: message });
  return foldInOrder({ ...queue }, { behavior, errorRow, redact: (text) => text, logger, signal }, counters, { row: (_input, row) => row, settled: () => undefined }, async () => undefined);
}

t.test('foldInOrder: a failed row is logged with its row, code, status and message', async (t) => {
  const failed = (status: number): Outcome => ({ kind: 'failed', error: new RowError('RC_UPSTREAM_HTTP_ERROR', status, `said ${status}`) });
  const goOn = recordingLogger();
  for await (const _row of await fold([slotEnded(2, failed(404))], 'Do not fail and return response', goOn.logger));
  t.same(goOn.lines, [{ level: 'warn', object: { row: 2, code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 404 }, message: 'row 2 failed: said 404' }]);
  const stop = recordingLogger();
  for await (const _row of await fold([slotEnded(3, failed(502))], 'Fail and return response', stop.logger));
  t.same(stop.lines, [{ level: 'error', object: { row: 3, code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 502 }, message: 'row 3 failed: said 502' }]);
  const fatal = recordingLogger();
  const rejected: Outcome = { kind: 'fatal', error: new ConfigurationError('RC_TOKEN_REJECTED', 'token rejected') };
  for await (const _row of await fold([slotEnded(4, rejected)], 'Do not fail and return response', fatal.logger));
  t.same(fatal.lines, [{ level: 'error', object: { row: 4, code: 'RC_TOKEN_REJECTED' }, message: 'run stopped: token rejected' }]);
});

t.test('foldInOrder: nothing more is emitted once the run is aborted between two streamed rows', async (t) => {
  const run = new AbortController();
  const rows: Row[] = [];
  const slots = [slotEnded(1, { kind: 'ok' }, [{ n: 1 }, { n: 2 }, { n: 3 }])];
  for await (const row of await fold(slots, 'Do not fail and return response', recordingLogger().logger, run.signal)) {
    rows.push(row);
    run.abort();
  }
  t.same(rows, [{ n: 1 }]);
});
