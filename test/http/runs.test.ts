import t from 'tap';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { never } from '../helpers/event-loop.js';
import { eventually, ids, testServer, type ErrorShape, type TestServer } from './server-helpers.js';

type View = {
  id: string;
  status: string;
  connector: string;
  progress: { rowsTotal: number | null; rowsDone: number; rowsEmitted: number; errorRows: number; retries: number; rateLimitWaitSeconds: number; etaSeconds: number | null };
  result?: { status: string; rowsRead: number; failure?: { code: string } };
};

const start = async (s: TestServer, payload: object): Promise<View> => {
  const response = await s.request({ method: 'POST', url: '/v1/runs', payload });
  if (response.statusCode !== 202) throw new Error(`start: ${response.statusCode} ${response.body}`);
  return response.json<View>();
};
const poll = async (s: TestServer, id: string): Promise<View> => (await s.request({ method: 'GET', url: `/v1/runs/${id}` })).json<View>();

t.test('a long run: id at once, polled to completion, rows paged from an offset', async (t) => {
  // Rows after the third wait on a gate the test opens once it has seen the run mid-way (no latency to outrun a poll).
  let openGate = (): void => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const early = new Set(['id:1', 'id:2', 'id:3']);
  const s = await testServer({ fake: { gate: (id) => (early.has(id) ? undefined : gate) } });
  t.teardown(() => s.app.close());
  const rows = ids(...Array.from({ length: 40 }, (_, i) => (i === 9 ? 'fail:429' : `id:${i + 1}`)));
  const response = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', settings: { 'Error behavior': 'Do not fail and return response' }, rows, concurrency: 2 } });
  t.equal(response.statusCode, 202);
  const started = response.json<View & { links: { self: string; rows: string } }>();
  t.equal(response.headers.location, `/v1/runs/${started.id}`);
  t.match(started, { status: 'running', connector: 'fake-contact', progress: { rowsTotal: 40 }, links: { self: `/v1/runs/${started.id}` } });

  const mid = await eventually(async () => {
    const view = await poll(s, started.id);
    return view.progress.rowsDone > 0 && view.status === 'running' ? view : undefined;
  });
  t.equal(mid.progress.rowsTotal, 40);
  t.type(mid.progress.etaSeconds, 'number', 'an ETA once a row is done and the total is known');
  openGate();

  const done = await eventually(async () => {
    const view = await poll(s, started.id);
    return view.status === 'running' ? undefined : view;
  });
  t.match(done, { status: 'succeeded with errors', progress: { rowsDone: 40, rowsEmitted: 40, errorRows: 1, etaSeconds: 0 }, result: { rowsRead: 40 } });
  // The fake connector makes one request per row and never retries or waits: the view must say exactly that.
  t.match(done.progress, { retries: 0, rateLimitWaitSeconds: 0 });
  t.match(done.result, { upstream: { requests: 40, retries: 0 } });
  t.notOk(JSON.stringify(done).includes('Token'), 'the record holds no Connection');

  const page = (await s.request({ method: 'GET', url: `/v1/runs/${started.id}/rows?offset=8&limit=3` })).json();
  t.match(page, { offset: 8, available: 40, done: true, nextOffset: 11 });
  t.same(page.rows.map((r: { StatusCode: number; ID: number | null }) => r.ID), [9, null, 11]);
  t.equal(page.rows[1].StatusCode, 429);
  const last = (await s.request({ method: 'GET', url: `/v1/runs/${started.id}/rows?offset=38` })).json();
  t.match(last, { available: 40, nextOffset: null });
  t.equal(last.rows.length, 2);

  const list = (await s.request({ method: 'GET', url: '/v1/runs' })).json();
  t.equal(list.runs.length, 1);
});

t.test('a run cancelled mid-way ends cancelled; its calls in flight are aborted', async (t) => {
  // Three rows answer at once; every later call waits on a gate that never opens, so calls are in flight at the cancel.
  const s = await testServer({ fake: { gate: (id) => (['id:1', 'id:2', 'id:3'].includes(id) ? undefined : never()) } });
  t.teardown(() => s.app.close());
  const started = await start(s, { connector: 'Fake - Get Contact', rows: ids(...Array.from({ length: 500 }, (_, i) => `id:${i + 1}`)), concurrency: 2 });
  t.equal(started.connector, 'fake-contact', 'started by display name, recorded by id');
  await eventually(async () => ((await poll(s, started.id)).progress.rowsDone >= 3 ? true : undefined));
  const cancelled = await s.request({ method: 'DELETE', url: `/v1/runs/${started.id}` });
  t.equal(cancelled.statusCode, 200);
  const view = cancelled.json<View>();
  t.match(view, { status: 'cancelled', result: { status: 'cancelled', failure: { code: 'RC_ABORTED' } } });
  t.equal(view.progress.rowsDone, 3, 'stopped after the three rows that could finish');
  t.same([...s.aborted].sort(), ['id:4', 'id:5'], 'the two calls in flight (concurrency 2) were aborted');
  const callsThen = s.calls.length;
  const again = await s.request({ method: 'DELETE', url: `/v1/runs/${started.id}` });
  t.equal(again.json<View>().status, 'cancelled', 'cancelling again is harmless');
  t.equal(s.calls.length, callsThen, 'no row started after the cancel');
  const rows = (await s.request({ method: 'GET', url: `/v1/runs/${started.id}/rows` })).json();
  t.equal(rows.rows.length, view.progress.rowsEmitted, 'the rows done before the cancel stay available');
});

t.test('a configuration error refuses the run at once; the body is checked against the connector settings', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const noToken = await s.request({ method: 'POST', url: '/v1/runs', token: false, payload: { connector: 'fake-contact', rows: ids('id:1') } });
  t.equal(noToken.statusCode, 400);
  t.equal(noToken.json<ErrorShape>().error.code, 'RC_INVALID_CONNECTION');
  const unknown = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'nope', rows: [] } });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json<ErrorShape>().error.code, 'RC_UNKNOWN_CONNECTOR');
  const setting = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', settings: { 'Error behavior': 'maybe' }, rows: [] } });
  t.equal(setting.statusCode, 400);
  t.match(setting.json<ErrorShape>().error, { code: 'RC_INVALID_REQUEST', message: /body\.settings\.Error behavior must be one of "Fail and return response"/ });
  t.notMatch(setting.json<ErrorShape>().error.message, /must match "then" schema/);
  const missing = await s.request({ method: 'POST', url: '/v1/runs', payload: { rows: [] } });
  t.match(missing.json<ErrorShape>().error, { statusCode: 400, message: /body\.connector is required/ });
  t.same((await s.request({ method: 'GET', url: '/v1/runs' })).json(), { runs: [] }, 'nothing was registered');
});

t.test('unknown run ids and bad paging: 404 / 400 with the error shape', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  for (const [method, url] of [['GET', '/v1/runs/nope'], ['GET', '/v1/runs/nope/rows'], ['DELETE', '/v1/runs/nope']] as const) {
    const response = await s.request({ method, url });
    t.equal(response.statusCode, 404, `${method} ${url}`);
    t.match(response.json<ErrorShape>().error, { code: 'RC_RUN_NOT_FOUND', statusCode: 404 });
  }
  const started = await start(s, { connector: 'fake-contact', rows: ids('id:1') });
  for (const query of ['offset=-1', 'limit=abc', 'limit=0', 'limit=10001', 'page=2']) {
    const response = await s.request({ method: 'GET', url: `/v1/runs/${started.id}/rows?${query}` });
    t.equal(response.statusCode, 400, query);
    t.equal(response.json<ErrorShape>().error.code, 'RC_INVALID_REQUEST');
    t.match(response.json<ErrorShape>().error.message, /querystring\./);
  }
});

t.test('finished runs are kept for a bounded time and count; runs in flight are capped', async (t) => {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: systemClock.sleep };
  const s = await testServer({ clock, runs: { maxKept: 2, keepForMs: 60_000, maxInFlight: 2 }, fake: { delay: (id) => (id === 'slow' ? 5_000 : 0) } });
  t.teardown(() => s.app.close());
  const finish = async (): Promise<string> => {
    const { id } = await start(s, { connector: 'fake-contact', rows: ids('id:1') });
    await eventually(async () => ((await poll(s, id)).status === 'running' ? undefined : true));
    now += 1;
    return id;
  };
  const a = await finish();
  const b = await finish();
  const c = await finish();
  t.equal((await s.request({ method: 'GET', url: `/v1/runs/${a}` })).statusCode, 404, 'the oldest is forgotten past maxKept');
  t.equal((await s.request({ method: 'GET', url: `/v1/runs/${b}` })).statusCode, 200);
  now += 60_000;
  t.equal((await s.request({ method: 'GET', url: `/v1/runs/${c}` })).statusCode, 404, 'forgotten past keepForMs');

  const slow1 = await start(s, { connector: 'fake-contact', rows: ids('slow') });
  const slow2 = await start(s, { connector: 'fake-contact', rows: ids('slow') });
  const third = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', rows: ids('id:1') } });
  t.equal(third.statusCode, 429);
  t.equal(third.json<ErrorShape>().error.code, 'RC_TOO_MANY_RUNS');
  now += 10 * 60_000;
  t.equal((await poll(s, slow1.id)).status, 'running', 'running runs are never forgotten');
  await s.request({ method: 'DELETE', url: `/v1/runs/${slow1.id}` });
  await s.request({ method: 'DELETE', url: `/v1/runs/${slow2.id}` });
});
