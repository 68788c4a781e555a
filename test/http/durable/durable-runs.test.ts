import t from 'tap';
import { TEST_TOKEN, ids, type TestServer } from '../server-helpers.js';
import type { DurableRuns } from '../../../hosts/http/durable/durable-runs.js';
import { runKeys } from '../../../hosts/http/durable/keys.js';
import { earlierCalls } from '../../../hosts/http/durable/redis-intent-log.js';
import { durableServer, dumpRedis, OTHER_KEY, redisFixture, until, type View } from './helpers.js';

const settings = { 'Error behavior': 'Do not fail and return response' };
const failAndReturn = { 'Error behavior': 'Fail and return response' };
const start = async (s: TestServer, rows: object[], concurrency = 2, runSettings: object = settings): Promise<View> => {
  const response = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', settings: runSettings, rows, concurrency } });
  if (response.statusCode !== 202) throw new Error(`start: ${response.statusCode} ${response.body}`);
  return response.json<View>();
};
const view = async (s: TestServer, id: string): Promise<View> => (await s.request({ method: 'GET', url: `/v1/runs/${id}` })).json<View>();
const ended = (s: TestServer, id: string, ms?: number): Promise<View> =>
  until(`run ${id} ended`, async () => {
    const v = await view(s, id);
    return v.status === 'running' ? undefined : v;
  }, ms);
const allRows = async (s: TestServer, id: string): Promise<{ ID: unknown; StatusCode: number }[]> =>
  (await s.request({ method: 'GET', url: `/v1/runs/${id}/rows?offset=0&limit=10000` })).json<{ rows: { ID: unknown; StatusCode: number }[] }>().rows;

t.test('durable mode: a run started on one replica is run by another one\'s worker and answered by both', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const b = redis.closeFirst(await durableServer(redis.server, { fake: { delay: () => 5 } }));
  const rows = ids(...Array.from({ length: 30 }, (_, i) => (i === 4 ? 'fail:404' : `id:${i + 1}`)));
  const started = await start(a, rows);
  t.match(started, { status: 'running', progress: { rowsTotal: 30, rowsDone: 0 } });
  const done = await ended(a, started.id);
  t.match(done, { status: 'succeeded with errors', progress: { rowsDone: 30, rowsEmitted: 30, errorRows: 1 }, result: { rowsRead: 30, rowsEmitted: 30 } });
  t.equal(b.calls.length, 30, 'b\'s worker made every call, once');
  t.equal(a.calls.length, 0, 'a (no worker) made none');
  const fromA = await allRows(a, started.id);
  t.same(fromA.map((r) => r.ID), rows.map((_, i) => (i === 4 ? null : i + 1)), 'rows in input order');
  t.same(await allRows(b, started.id), fromA, 'the other replica reads the same rows');
  const page = (await b.request({ method: 'GET', url: `/v1/runs/${started.id}/rows?offset=28&limit=5` })).json();
  t.match(page, { offset: 28, available: 30, done: true, nextOffset: null });
  t.equal(page.rows.length, 2);
  const list = (await b.request({ method: 'GET', url: '/v1/runs' })).json<{ runs: View[] }>();
  t.same(list.runs.map((r) => r.id), [started.id], 'the list is the same from any replica');
  t.equal((await a.request({ method: 'GET', url: '/v1/runs/nope' })).statusCode, 404);

  // A finished run keeps no Connection, and every key of it expires.
  const keys = await dumpRedis(redis.client);
  t.notOk([...keys.values()].some((value) => value.includes(TEST_TOKEN)), 'no token in any Redis key or value');
  const runKeys = [...keys.keys()].filter((key) => key.includes(started.id) && !key.startsWith('bull:'));
  t.notOk(runKeys.some((key) => key.endsWith(':connection')), 'the sealed Connection is deleted when the run ends');
  for (const key of runKeys) t.ok((await redis.client.pttl(key)) > 0, `${key} expires`);
});

t.test('the Connection is sealed while the run waits and runs; no Redis key holds the token', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const started = await start(a, ids('id:1', 'id:2'));
  const keys = await dumpRedis(redis.client);
  const sealed = [...keys.entries()].find(([key]) => key.endsWith(`{${started.id}}:connection`));
  t.ok(sealed, 'the running run has its Connection stored');
  t.match(sealed?.[1], /^string "v1\./, 'sealed (the vault envelope), not JSON');
  t.notOk([...keys.values()].some((value) => value.includes(TEST_TOKEN)), 'no token in any key of a waiting run');
  t.notOk(JSON.stringify(started).includes(TEST_TOKEN));
});

t.test('cancel from a replica that does not run the run: the worker stops at a row boundary', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const b = redis.closeFirst(await durableServer(redis.server, { fake: { delay: () => 30 } }));
  const started = await start(a, ids(...Array.from({ length: 200 }, (_, i) => `id:${i + 1}`)));
  await until('some rows done', async () => ((await view(a, started.id)).progress.rowsDone >= 3 ? true : undefined));
  // Mid-run, a key scan finds no token either.
  t.notOk([...(await dumpRedis(redis.client)).values()].some((value) => value.includes(TEST_TOKEN)), 'no token in Redis while it runs');
  const response = await a.request({ method: 'DELETE', url: `/v1/runs/${started.id}` });
  t.equal(response.statusCode, 200);
  const cancelled = response.json<View>();
  t.match(cancelled, { status: 'cancelled', result: { status: 'cancelled', failure: { code: 'RC_ABORTED' } } });
  t.ok(b.calls.length < 200, `the worker stopped (${b.calls.length} calls of 200)`);
  const rows = await allRows(b, started.id);
  t.equal(rows.length, cancelled.progress.rowsEmitted, 'the rows done before stay readable');
  t.same(rows.map((r) => r.ID), rows.map((_, i) => i + 1), 'in order, each once');
});

t.test('a queued run nobody runs is cancelled by the replica asked', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const started = await start(a, ids('id:1'));
  const cancelled = (await a.request({ method: 'DELETE', url: `/v1/runs/${started.id}` })).json<View>();
  t.match(cancelled, { status: 'cancelled', progress: { rowsDone: 0 }, result: { failure: { code: 'RC_ABORTED' } } });
  t.equal(await redis.client.exists(`respondio:run:{${started.id}}:connection`), 0, 'its Connection is deleted');
});

t.test('a worker with another encryption key fails the run with a clear error, not garbage', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const b = redis.closeFirst(await durableServer(redis.server, { key: OTHER_KEY }));
  const started = await start(a, ids('id:1', 'id:2'));
  const done = await ended(a, started.id);
  t.match(done, { status: 'failed', result: { failure: { code: 'RC_CONNECTION_UNREADABLE', message: /sealed with another RESPONDIO_CONNECTORS_ENCRYPTION_KEY/ } } });
  t.equal(b.calls.length, 0, 'no row was sent');
  t.notOk(JSON.stringify(done).includes(OTHER_KEY), 'the key is not quoted');
});

t.test('shutdown hands a run back to the queue; another worker finishes it, each row once', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const b = redis.closeFirst(await durableServer(redis.server, { fake: { delay: () => 20 } }));
  const rows = ids(...Array.from({ length: 60 }, (_, i) => `id:${i + 1}`));
  const started = await start(a, rows);
  await until('some rows done', async () => ((await view(a, started.id)).progress.rowsDone >= 5 ? true : undefined));
  await b.app.close();
  const handed = await view(a, started.id);
  t.equal(handed.status, 'running', 'not cancelled by the shutdown');
  t.ok(handed.progress.rowsDone < 60, `stopped mid-run (${handed.progress.rowsDone} rows committed)`);
  const c = redis.closeFirst(await durableServer(redis.server, { fake: { delay: () => 1 } }));
  const done = await ended(a, started.id);
  t.match(done, { status: 'succeeded', progress: { rowsDone: 60, rowsEmitted: 60 }, result: { rowsRead: 60, rowsEmitted: 60, resumed: { fromRow: handed.progress.rowsDone + 1 } } });
  t.same((await allRows(a, started.id)).map((r) => r.ID), rows.map((_, i) => i + 1), 'each row once, in order');
  const committedByB = new Set(b.calls.slice(0, handed.progress.rowsDone));
  t.notOk(c.calls.some((call) => committedByB.has(call)), 'no committed row was asked again');
  t.equal(done.result?.upstream.requests, b.calls.length + c.calls.length, 'requests counted over both legs');
});

t.test('a non-idempotent connector: a row in flight when the run was handed back becomes RC_OUTCOME_UNKNOWN; answered rows are replayed; none is sent again', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  // Row 6's call hangs until the worker stops: it may have reached respond.io, its outcome is unknown.
  const b = redis.closeFirst(await durableServer(redis.server, { fake: { idempotent: false, delay: (id) => (id === 'id:6' ? 60_000 : 5) } }));
  const count = 12;
  const rows = ids(...Array.from({ length: count }, (_, i) => `id:${i + 1}`));
  const started = await start(a, rows);
  await until('row 6 called', async () => (b.calls.includes('id:6') ? true : undefined));
  await until('rows 1-5 committed', async () => ((await view(a, started.id)).progress.rowsDone >= 5 ? true : undefined));
  await b.app.close(); // hands the run back: row 6 (and rows after it) were called, not committed
  t.equal((await view(a, started.id)).progress.rowsDone, 5, 'the leg stopped behind row 6: rows 1-5 committed');
  // What the earlier leg left in Redis: an intent per call sent, an answer per call that came back.
  const left = await earlierCalls(redis.client, runKeys(started.id), 5);
  const unknown = [...left.intents].filter((n) => !left.outcomes.has(n)).sort((x, y) => x - y);
  t.ok(unknown.includes(6), `rows with an intent and no answer: ${unknown.join(', ')}`);
  const calledByB = new Set(b.calls);

  const c = redis.closeFirst(await durableServer(redis.server, { fake: { idempotent: false, delay: () => 1 } }));
  const done = await ended(a, started.id);
  t.match(done, { status: 'succeeded with errors', progress: { rowsDone: count, rowsEmitted: count, errorRows: unknown.length } });
  t.same(c.calls.filter((id) => calledByB.has(id)), [], 'no row the earlier leg called is sent again');
  t.same(c.calls, rows.map((r) => r.Identifier).filter((id) => !calledByB.has(id)), 'c called exactly the rows nobody had called');
  const out = await allRows(a, started.id);
  t.same(
    out.map((row) => row.StatusCode),
    Array.from({ length: count }, (_, i) => (unknown.includes(i + 1) ? 500 : 200)),
    'rows without an answer are 500 error rows; answered ones replayed (200), in input order',
  );
  t.same(out.map((row) => row.ID), Array.from({ length: count }, (_, i) => (unknown.includes(i + 1) ? null : i + 1)), 'each row once');
  t.match((out[5] ?? {}) as object, { Message: /row 6 may have been sent .* outcome is unknown/ }, 'row 6 says why (RC_OUTCOME_UNKNOWN)');
});

t.test('Fail and return response: the run ends failed at its error row, which is committed with the result; no later row', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const b = redis.closeFirst(await durableServer(redis.server, { fake: { delay: () => 1 } }));
  const rows = ids('id:1', 'id:2', 'id:3', 'fail:404', 'id:5', 'id:6', 'id:7', 'id:8');
  const started = await start(a, rows, 1, failAndReturn);
  const done = await ended(a, started.id);
  t.match(done, { status: 'failed', result: { status: 'failed', rowsEmitted: 4, errorRows: 1, failure: { row: 4, statusCode: 404 } } });
  t.same((await allRows(a, started.id)).map((r) => r.StatusCode), [200, 200, 200, 404], 'rows 1-4, the error row last');
  t.same(b.calls, ['id:1', 'id:2', 'id:3', 'fail:404'], 'no row after the failing one was called');
  const stop = JSON.parse((await redis.client.hget(`respondio:run:{${started.id}}:meta`, 'stop')) ?? '{}') as { status?: string; failure?: { row?: number } };
  t.match(stop, { status: 'failed', failure: { row: 4 } }, 'the result was committed with the error row');
});

t.test('a leg that committed the failing row and died before finishing: the next leg ends the run failed, calls nothing', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  const rows = ids('id:1', 'fail:404', 'id:3');
  const started = await start(a, rows, 2, failAndReturn);
  // The state such a leg leaves: rows 1-2 committed, the stop recorded with them, the run still 'running'.
  const meta = `respondio:run:{${started.id}}:meta`;
  const recorded = { ...(await view(a, started.id)), status: 'failed', statusCode: 300, rowsRead: 2, rowsEmitted: 2, errorRows: 1, failure: { row: 2, code: 'RC_NOT_FOUND', statusCode: 404, message: 'row 2: not found' } };
  await redis.client.hset(meta, 'committed', 2, 'rowsEmitted', 2, 'errorRows', 1, 'stop', JSON.stringify(recorded));
  const b = redis.closeFirst(await durableServer(redis.server, { fake: { delay: () => 1 } }));
  const done = await ended(a, started.id);
  t.match(done, { status: 'failed', result: { status: 'failed', failure: { row: 2, code: 'RC_NOT_FOUND' } } });
  t.same(b.calls, [], 'row 3 was not asked: the run had failed at row 2');
});

t.test('operations: /readyz says durable and turns 503 when Redis is gone; metrics show the queue and runs by state', async (t) => {
  const redis = await redisFixture(t);
  const a = redis.closeFirst(await durableServer(redis.server, { worker: false }));
  t.match((await a.request({ method: 'GET', url: '/readyz', auth: false })).json(), { status: 'ready', mode: 'durable' });
  const queued = await start(a, ids('id:1', 'id:2'));
  const finishedRun = await start(a, ids('id:3'));
  await a.request({ method: 'DELETE', url: `/v1/runs/${finishedRun.id}` });
  const metrics = (await a.request({ method: 'GET', url: '/metrics' })).body;
  t.match(metrics, /respondio_connectors_queue_jobs\{state="waiting"\} 1\n/, 'one run waits for a worker');
  t.match(metrics, /respondio_connectors_durable_runs\{status="running"\} 1\n/);
  t.match(metrics, /respondio_connectors_durable_runs\{status="cancelled"\} 1\n/);
  t.equal((await view(a, queued.id)).status, 'running');
  await redis.server.stop();
  const ready = await a.request({ method: 'GET', url: '/readyz', auth: false });
  t.equal(ready.statusCode, 503);
  t.equal(ready.json().error.code, 'RC_RUN_STORE_UNAVAILABLE');
  // What the queue's connection reports while Redis is gone (an 'error' per failed reconnection) is not printed raw.
  const printed: unknown[][] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void printed.push(args);
  try {
    (a.app.host.runs as DurableRuns).queue.emit('error', new Error('connect ECONNREFUSED (the test)'));
  } finally {
    console.error = consoleError;
  }
  t.same(printed, [], 'a queue error during the outage is not written to the console');
  await redis.server.restart();
  await until('ready again', async () => ((await a.request({ method: 'GET', url: '/readyz', auth: false })).statusCode === 200 ? true : undefined));
});
