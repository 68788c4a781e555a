import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import t from 'tap';
import { API_KEY, eventually, ndjson, parseNdjson, testServer, TEST_TOKEN, type ErrorShape } from './server-helpers.js';

const url = '/v1/connectors/fake-contact/run';
const NDJSON = { 'content-type': 'application/x-ndjson' };
type Line = { StatusCode?: number; Message?: string | null; ID?: number | null; result?: Record<string, unknown> };

t.test('NDJSON in, NDJSON out: a header line with settings, rows as they come, a final result line', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const body = ndjson({ settings: { 'Error behavior': 'Do not fail and return response' } }, { Identifier: 'id:1' }, { Identifier: 'fail:503' }) + '\n{oops\n' + ndjson({ Identifier: 'id:4' });
  const response = await s.request({ method: 'POST', url, headers: NDJSON, payload: body });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^application\/x-ndjson/);
  const lines = parseNdjson(response.body) as Line[];
  t.same(lines.slice(0, 4).map((l) => l.StatusCode), [200, 503, 400, 200]);
  t.equal(lines[2]?.Message, 'line 5: not valid JSON', 'the malformed line is named by its number in the body (blank lines counted)');
  t.match(lines[4], { result: { status: 'succeeded with errors', rowsRead: 4, errorRows: 2 } });
  t.equal(lines.length, 5);
});

t.test('settings without a header line: query or X-Respondio-Settings header; the header line wins', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const rows = ndjson({ Identifier: 'fail:404' }, { Identifier: 'id:2' });
  const viaQuery = await s.request({ method: 'POST', url: `${url}?errorBehavior=do-not-fail-and-return-response`, headers: NDJSON, payload: rows });
  t.match(parseNdjson(viaQuery.body).at(-1), { result: { errorBehavior: 'Do not fail and return response', rowsEmitted: 2 } });

  const settings = encodeURIComponent(JSON.stringify({ 'Error behavior': 'Fail without response' }));
  const viaQueryJson = await s.request({ method: 'POST', url: `${url}?settings=${settings}`, headers: NDJSON, payload: rows });
  t.match(parseNdjson(viaQueryJson.body), [{ result: { errorBehavior: 'Fail without response', status: 'failed', rowsEmitted: 0 } }]);

  const viaHeader = await s.request({
    method: 'POST',
    url,
    headers: { ...NDJSON, 'x-respondio-settings': JSON.stringify({ 'Error behavior': 'Do not fail and return response' }) },
    payload: rows,
  });
  t.match(parseNdjson(viaHeader.body).at(-1), { result: { errorBehavior: 'Do not fail and return response' } });

  const headerWins = await s.request({
    method: 'POST',
    url: `${url}?errorBehavior=fail-without-response`,
    headers: NDJSON,
    payload: ndjson({ settings: { 'Error behavior': 'Fail and return response' }, concurrency: 1 }) + rows,
  });
  t.match(parseNdjson(headerWins.body), [{ StatusCode: 404 }, { result: { errorBehavior: 'Fail and return response', status: 'failed' } }]);

  const tokenInHeaderLine = await s.request({ method: 'POST', url, token: false, headers: NDJSON, payload: ndjson({ connection: { Token: TEST_TOKEN } }, { Identifier: 'id:1' }) });
  t.match(parseNdjson(tokenInHeaderLine.body).at(-1), { result: { status: 'succeeded' } });
});

t.test('configuration errors answer 400/404 before any row is streamed', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const bad = await s.request({ method: 'POST', url, headers: NDJSON, payload: ndjson({ settings: { 'Error behavior': 'sometimes' } }, { Identifier: 'id:1' }) });
  t.equal(bad.statusCode, 400);
  t.match(bad.json<ErrorShape>().error, { code: 'RC_INVALID_SETTINGS', message: /"Fail and return response".*"Fail without response".*"Do not fail and return response"/ });
  const noToken = await s.request({ method: 'POST', url, token: false, headers: NDJSON, payload: ndjson({ Identifier: 'id:1' }) });
  t.equal(noToken.statusCode, 400);
  t.equal(noToken.json<ErrorShape>().error.code, 'RC_INVALID_CONNECTION');
  const badQuery = await s.request({ method: 'POST', url: `${url}?settings=%7Bnope`, headers: NDJSON, payload: ndjson({ Identifier: 'id:1' }) });
  t.equal(badQuery.statusCode, 400);
  t.match(badQuery.json<ErrorShape>().error, { code: 'RC_INVALID_REQUEST', message: /settings query parameter is not valid JSON/ });
  const unknown = await s.request({ method: 'POST', url: '/v1/connectors/nope/run', headers: NDJSON, payload: ndjson({ Identifier: 'id:1' }) });
  t.equal(unknown.statusCode, 404);
  t.same(s.calls, []);
});

t.test('a Fail stop ends the stream with the result; an over-long line is an error row, not a memory spike', async (t) => {
  const s = await testServer({ bodyLimit: 1024 });
  t.teardown(() => s.app.close());
  const many = Array.from({ length: 500 }, (_, i) => ({ Identifier: `id:${i + 3}` }));
  const response = await s.request({ method: 'POST', url, headers: NDJSON, payload: ndjson({ Identifier: 'id:1' }, { Identifier: 'fail:404' }, ...many) });
  const lines = parseNdjson(response.body) as Line[];
  t.same(lines.map((l) => l.StatusCode ?? 'result'), [200, 404, 'result']);
  t.match(lines[2], { result: { status: 'failed', failure: { row: 2 } } });
  t.ok(s.calls.length < 502, 'rows after the failure are not all started');

  const long = await s.request({
    method: 'POST',
    url: `${url}?errorBehavior=do-not-fail-and-return-response`,
    headers: NDJSON,
    payload: ndjson({ Identifier: 'id:1' }, { Identifier: `id:2${'x'.repeat(5000)}` }, { Identifier: 'id:3' }),
  });
  const longLines = parseNdjson(long.body) as Line[];
  t.same(longLines.map((l) => l.StatusCode ?? 'result'), [200, 400, 200, 'result']);
  t.equal(longLines[1]?.Message, 'line 2: line is longer than 1024 bytes');
});

/** A real socket: the server must stop pulling rows while the client does not read the response. */
t.test('backpressure: a paused reader stops the server from pulling rows', async (t) => {
  const s = await testServer({ logger: false });
  t.teardown(() => s.app.close());
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = s.app.server.address() as AddressInfo;
  const total = 12_000;
  const filler = 'x'.repeat(4000);
  let sent = 0;
  const input = Readable.from(
    (function* () {
      yield `${JSON.stringify({ settings: { 'Error behavior': 'Do not fail and return response' } })}\n`;
      for (let i = 1; i <= total; i += 1) {
        sent = i;
        yield `${JSON.stringify({ Identifier: `id:${i}-${filler}` })}\n`;
      }
    })(),
  );
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: url, method: 'POST', headers: { ...NDJSON, authorization: `Bearer ${API_KEY}`, 'x-respondio-token': TEST_TOKEN } },
      resolve,
    );
    req.on('error', reject);
    input.pipe(req);
  });
  response.pause();
  // Wait until the server stops pulling: the count of rows it processed no longer moves over several polls.
  let last = -1;
  let still = 0;
  const pulled = await eventually(() => {
    const now = s.calls.length;
    still = now === last && now > 0 ? still + 1 : 0;
    last = now;
    return still >= 10 ? now : undefined;
  }, 2000, 20);
  t.ok(pulled < total / 2, `the server pulled ${pulled} of ${total} rows while the reader paused`);
  t.ok(sent < total, `the client could write only ${sent} of ${total} rows (the server stopped reading the body)`);

  response.setEncoding('utf8');
  let text = '';
  response.on('data', (chunk: string) => (text += chunk));
  response.resume();
  await new Promise((resolve) => response.on('end', resolve));
  const lines = parseNdjson(text) as Line[];
  t.equal(lines.length, total + 1, 'every row came once the reader resumed');
  t.same(lines.slice(0, 3).map((l) => l.ID), [1, 2, 3]);
  t.match(lines.at(-1), { result: { status: 'succeeded', rowsRead: total, rowsEmitted: total } });
});

t.test('a client that goes away cancels its run: calls in flight are aborted', async (t) => {
  // Rows take 60 s each unless aborted: nothing finishes on its own, so every started call must end by its abort.
  const s = await testServer({ logger: false, fake: { delay: () => 60_000 } });
  t.teardown(() => s.app.close());
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = s.app.server.address() as AddressInfo;
  const rows = ndjson(...Array.from({ length: 2000 }, (_, i) => ({ Identifier: `id:${i + 1}` })));
  const req = httpRequest({ host: '127.0.0.1', port, path: url, method: 'POST', headers: { ...NDJSON, authorization: `Bearer ${API_KEY}`, 'x-respondio-token': TEST_TOKEN } });
  req.on('error', () => undefined);
  req.end(rows);
  // No row can finish; leave once the calls the concurrency allows are in flight.
  await eventually(() => (s.calls.length >= 8 ? true : undefined));
  req.destroy();
  const metrics = await eventually(async () => {
    const text = (await s.request({ method: 'GET', url: '/metrics' })).body;
    return /respondio_connectors_runs_total\{connector="fake-contact",mode="stream",status="cancelled"\} 1/.test(text) ? text : undefined;
  });
  t.match(metrics, /respondio_connectors_runs_in_flight\{mode="stream"\} 0/);
  t.equal(s.calls.length, 8, 'only the rows the concurrency allows were started');
  t.same([...s.aborted].sort(), [...s.calls].sort(), 'every call in flight was aborted');
});
