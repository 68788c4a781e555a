import { getEventListeners } from 'node:events';
import t from 'tap';
import type { ConnectorSession, Row, RowContext } from '../../runtime/connector.js';
import { RowError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import { silentLogger } from '../../runtime/logger.js';
import { runPipeline, type PipelineOptions } from '../../runtime/pipeline.js';
import { ControllerPool } from '../../runtime/pipeline/controller-pool.js';
import { eventLoopTurns } from '../helpers/event-loop.js';

// runPipeline's own wiring (runtime/pipeline.ts) with a bare session, no plugin in between: how a run ends, cancels,
// reports broken input, and what it leaves on the caller's AbortSignal. Plus the ControllerPool's promise.

const ok = (row: Row): Row => ({ StatusCode: 200, Message: null, Echo: row.Identifier });

/** A session that answers `ok` rows, throws a RowError for `fail:<code>`, and holds `hold` until its signal aborts. */
function session(log: string[] = []): ConnectorSession {
  return {
    async process(row: Row, context: RowContext): Promise<Row> {
      const id = String(row.Identifier);
      if (id.startsWith('fail:')) throw new RowError('RC_UPSTREAM_HTTP_ERROR', Number(id.slice(5)), `failed ${id}`);
      if (id === 'hold') {
        await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }));
      }
      return ok(row);
    },
    stats: () => ({ requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 }),
    close: () => void log.push('closed'),
  };
}

function options(rows: PipelineOptions['rows'], extra: Partial<PipelineOptions> = {}): PipelineOptions {
  return {
    connector: 'bare',
    rows,
    session: session(),
    checkInput: () => undefined,
    checkOutput: () => undefined,
    errorRow: (statusCode, message) => ({ StatusCode: statusCode, Message: message }),
    behavior: 'Fail and return response',
    concurrency: 2,
    readAhead: 16,
    logger: silentLogger,
    redact: (text) => text,
    ...extra,
  };
}

const ids = (...list: string[]): Row[] => list.map((Identifier) => ({ Identifier }));

t.test('ControllerPool: a clean controller is reused; an aborted one or one with a listener left is not', async (t) => {
  const pool = new ControllerPool();
  const clean = pool.take();
  pool.give(clean);
  t.equal(pool.take(), clean, 'a controller given back unaborted and without listeners is taken again');

  const aborted = pool.take();
  aborted.abort(new Error('row over'));
  pool.give(aborted);
  const next = pool.take();
  t.not(next, aborted, 'an aborted controller is never handed out again');
  t.notOk(next.signal.aborted);

  const listened = new AbortController();
  listened.signal.addEventListener('abort', () => undefined);
  pool.give(listened);
  t.not(pool.take(), listened, 'a controller whose signal still has an abort listener is not reused');
});

t.test('cancel() without a reason says "cancelled"; a second cancel keeps the first reason', async (t) => {
  const handle = runPipeline(options(ids('hold', 'hold')));
  const iterator = handle[Symbol.asyncIterator]();
  const first = iterator.next();
  await eventLoopTurns();
  handle.cancel();
  handle.cancel('a later reason');
  await first;
  await iterator.return?.();
  const result = await handle.result;
  t.equal(result.status, 'cancelled');
  t.equal(result.failure?.message, 'cancelled');

  const second = runPipeline(options(ids('hold')));
  const pending = second.collect();
  await eventLoopTurns();
  second.cancel('first reason');
  second.cancel('second reason');
  t.equal((await pending).result.failure?.message, 'first reason', 'the first cancel decides the reason');
});

t.test('a signal aborted before the run cancels it with the signal\'s reason', async (t) => {
  const controller = new AbortController();
  controller.abort('stopped by the caller');
  const { rows, result } = await runPipeline(options(ids('id:1'), { signal: controller.signal })).collect();
  t.same(rows, []);
  t.equal(result.status, 'cancelled');
  t.equal(result.failure?.message, 'stopped by the caller');
});

t.test('the run takes its abort listener off the caller\'s signal: once it fired, and when the run ends', async (t) => {
  const kept = new AbortController();
  await runPipeline(options(ids('id:1', 'id:2'), { signal: kept.signal })).collect();
  t.equal(getEventListeners(kept.signal, 'abort').length, 0, 'no listener left after a run that ended');

  const aborting = new AbortController();
  const handle = runPipeline(options(ids('hold'), { signal: aborting.signal }));
  const pending = handle.collect();
  await eventLoopTurns();
  t.equal(getEventListeners(aborting.signal, 'abort').length, 1, 'the run listens while it runs');
  aborting.abort('caller');
  t.equal(getEventListeners(aborting.signal, 'abort').length, 0, 'a listener that fired is gone at once');
  t.equal((await pending).result.status, 'cancelled');
});

t.test('input that breaks after all read rows are done fails the run with RC_MALFORMED_INPUT_LINE, logged with its code', async (t) => {
  const logged: { object: object; message: string | undefined }[] = [];
  const logger: Logger = { ...silentLogger, error: (object, message) => void logged.push({ object, message }) };
  function* broken(): Generator<Row> {
    yield { Identifier: 'id:1' };
    throw new Error('line 2 is not JSON');
  }
  const { rows, result } = await runPipeline(options(broken(), { logger })).collect();
  t.equal(rows.length, 1);
  t.equal(result.status, 'failed');
  t.equal(result.failure?.code, 'RC_MALFORMED_INPUT_LINE');
  t.equal(result.failure?.message, 'input failed after row 1: line 2 is not JSON');
  t.same(logged, [{ object: { code: 'RC_MALFORMED_INPUT_LINE' }, message: 'input failed after row 1: line 2 is not JSON' }]);

  function* throwsNull(): Generator<Row> {
    yield { Identifier: 'id:1' };
    throw null; // eslint-disable-line @typescript-eslint/only-throw-error -- input may throw anything
  }
  const odd = await runPipeline(options(throwsNull())).collect();
  t.equal(odd.result.failure?.message, 'input failed after row 1: null', 'a thrown non-Error is still named');
});

t.test('a row failure stays the run failure when the input also broke', async (t) => {
  function* broken(): Generator<Row> {
    yield { Identifier: 'fail:400' };
    throw new Error('line 2 is not JSON');
  }
  const { result } = await runPipeline(options(broken())).collect();
  t.equal(result.status, 'failed');
  t.equal(result.failure?.statusCode, 400, 'the row\'s own status');
  t.equal(result.failure?.row, 1, 'the failed row, not the input line');
  t.equal(result.failure?.code, 'RC_UPSTREAM_HTTP_ERROR');
});

t.test('a consumer that stops early cancels the run, also when input was all read or had broken', async (t) => {
  const allRead = runPipeline(options(ids('id:1', 'id:2', 'id:3')));
  const iterator = allRead[Symbol.asyncIterator]();
  await iterator.next();
  await eventLoopTurns(); // every row is read and done; two wait for the consumer
  await iterator.return?.();
  const result = await allRead.result;
  t.equal(result.status, 'cancelled', 'rows read and not taken: the run did not finish');
  t.equal(result.failure?.message, 'the consumer stopped reading');

  function* broken(): Generator<Row> {
    yield { Identifier: 'id:1' };
    yield { Identifier: 'id:2' };
    throw new Error('line 3 is not JSON');
  }
  const brokenRun = runPipeline(options(broken()));
  const brokenIterator = brokenRun[Symbol.asyncIterator]();
  await brokenIterator.next();
  await eventLoopTurns();
  await brokenIterator.return?.();
  const brokenResult = await brokenRun.result;
  t.equal(brokenResult.status, 'cancelled', 'the consumer stopped before the broken line was reached');
  t.equal(brokenResult.failure?.code, 'RC_ABORTED');
});

t.test('the session is closed only after the rows in flight have settled', async (t) => {
  const log: string[] = [];
  const bare = session(log);
  const slow: ConnectorSession = {
    ...bare,
    async process(row, context) {
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
      await eventLoopTurns(20); // the abort is seen, the row takes a while to wind down
      log.push(`settled ${String(row.Identifier)}`);
      throw context.signal.reason;
    },
  };
  const handle = runPipeline(options(ids('id:1', 'id:2'), { session: slow }));
  const pending = handle.collect();
  await eventLoopTurns();
  handle.cancel('stop');
  await pending;
  t.same(log, ['settled id:1', 'settled id:2', 'closed']);
});

t.test('durationMs is the time the run took, never more', async (t) => {
  await eventLoopTurns(); // the test process has been up a while: performance.now() is far from 0
  const before = performance.now();
  const { result } = await runPipeline(options(ids('id:1'))).collect();
  const took = performance.now() - before;
  t.ok(result.durationMs >= 0 && result.durationMs <= Math.ceil(took), `durationMs ${result.durationMs}, took ${took}`);
});

