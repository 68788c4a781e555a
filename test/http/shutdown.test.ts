import type { AddressInfo } from 'node:net';
import t from 'tap';
import { API_KEY, eventually, ids, ndjson, parseNdjson, testServer, TEST_TOKEN } from './server-helpers.js';

const headers = { authorization: `Bearer ${API_KEY}`, 'x-respondio-token': TEST_TOKEN };

t.test('close(): runs that end within the grace period finish normally', async (t) => {
  const s = await testServer({ shutdownGraceMs: 60_000, fake: { delay: () => 30 } });
  const started = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', rows: ids('id:1', 'id:2', 'id:3'), concurrency: 1 } });
  const { id } = started.json<{ id: string }>();
  await s.app.close();
  t.match(s.app.host.store.get(id), { status: 'succeeded', progress: { rowsDone: 3 } });
});

t.test('close(): readiness fails and new runs are refused at once; runs past the grace period are cancelled cleanly', async (t) => {
  // The grace period must outlast the three requests made after close() on a loaded machine; the runs (1000 rows × 50 ms
  // at concurrency 1) outlast it by far, so they are still cancelled.
  const s = await testServer({ shutdownGraceMs: 3000, fake: { delay: () => 50 } });
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  const rows = ids(...Array.from({ length: 1000 }, (_, i) => `id:${i + 1}`));
  const background = await fetch(`${base}/v1/runs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ connector: 'fake-contact', rows, concurrency: 1 }) });
  const { id } = (await background.json()) as { id: string };
  const streaming = fetch(`${base}/v1/connectors/fake-contact/run`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body: ndjson(...rows) });
  const sync = fetch(`${base}/v1/connectors/fake-contact/run`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ rows, concurrency: 1 }) });
  const streamResponse = await streaming;
  t.equal(streamResponse.status, 200);
  await eventually(() => (s.app.host.tracker.size >= 3 ? true : undefined), 3_000); // all three runs in flight (a generous, bounded wait)

  const closing = s.app.close();
  const ready = await fetch(`${base}/readyz`);
  t.equal(ready.status, 503);
  t.match(await ready.json(), { error: { code: 'RC_SHUTTING_DOWN', statusCode: 503 } });
  const refused = await fetch(`${base}/v1/runs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ connector: 'fake-contact', rows }) });
  t.equal(refused.status, 503);
  t.match(await refused.json(), { error: { code: 'RC_SHUTTING_DOWN' } });
  const poll = await fetch(`${base}/v1/runs/${id}`, { headers });
  t.equal(poll.status, 200, 'polls are still answered while runs drain');

  const streamed = parseNdjson(await streamResponse.text());
  const syncBody = (await (await sync).json()) as { rows: unknown[]; result: { status: string; failure: { message: string } } };
  await closing;

  t.match(streamed.at(-1), { result: { status: 'cancelled', failure: { code: 'RC_ABORTED', message: 'the server is shutting down' } } }, 'the stream ends with its result line');
  t.ok(streamed.length < rows.length + 1);
  t.match(syncBody.result, { status: 'cancelled', failure: { message: 'the server is shutting down' } }, 'the sync run answers with what it has');
  t.equal(syncBody.rows.length, (syncBody.result as unknown as { rowsEmitted: number }).rowsEmitted);
  t.match(s.app.host.store.get(id), { status: 'cancelled' }, 'the background run ended cancelled');
  t.equal(s.app.host.tracker.size, 0);
});
