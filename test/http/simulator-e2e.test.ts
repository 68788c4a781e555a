import t from 'tap';
import { buildServer } from '../../hosts/http/build-server.js';
import { startSimulator } from '../../simulator/index.js';
import { eventually, ndjson, parseNdjson, API_KEY, type ErrorShape } from './server-helpers.js';

/** The real plugin (Get Contact, Get Message) through the HTTP host against the offline respond.io simulator. */
t.test('end to end: HTTP host → get-contact / get-message → simulator', async (t) => {
  const simulator = await startSimulator({ seed: 7, contacts: 20 });
  t.teardown(() => simulator.close());
  const logs: string[] = [];
  const app = await buildServer({ apiKey: API_KEY, baseUrl: simulator.baseUrl, logger: { level: 'debug', stream: { write: (line: string) => void logs.push(line) } } });
  t.teardown(() => app.close());
  const headers = { authorization: `Bearer ${API_KEY}`, 'x-respondio-token': simulator.token };
  const [first, second] = simulator.data.contacts;
  if (!first || !second) throw new Error('the simulator has no contacts');

  const list = (await app.inject({ method: 'GET', url: '/v1/connectors', headers })).json<{ connectors: { id: string }[] }>();
  const listed = list.connectors.map((c) => c.id);
  for (const id of ['get-contact', 'get-message']) t.ok(listed.includes(id), `${id} is listed`);

  const sync = await app.inject({
    method: 'POST',
    url: '/v1/connectors/get-contact/run',
    headers,
    payload: { settings: { 'Error behavior': 'Do not fail and return response' }, rows: [{ Identifier: `id:${first.id}` }, { Identifier: 'id:999999999' }, { Identifier: 'nonsense' }, { Identifier: `id:${second.id}` }] },
  });
  t.equal(sync.statusCode, 200);
  const body = sync.json<{ rows: { StatusCode: number; ID: number | null }[]; result: { status: string; upstream: { requests: number } } }>();
  t.same(body.rows.map((r) => r.StatusCode), [200, 404, 400, 200]);
  t.same([body.rows[0]?.ID, body.rows[3]?.ID], [first.id, second.id]);
  t.match(body.result, { status: 'succeeded with errors' });

  const message = simulator.data.messagesOf(first.id)[0];
  t.ok(message, 'the seeded contact has a message to ask for');
  if (message) {
    const streamed = await app.inject({
      method: 'POST',
      url: '/v1/connectors/get-message/run',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      payload: ndjson({ settings: { 'Error behavior': 'Fail and return response' } }, { Identifier: `id:${first.id}`, MessageID: String(message.messageId) }),
    });
    const lines = parseNdjson(streamed.body) as { StatusCode?: number; result?: { status: string } }[];
    t.match(lines, [{ StatusCode: 200 }, { result: { status: 'succeeded' } }]);
  }

  const started = await app.inject({ method: 'POST', url: '/v1/runs', headers, payload: { connector: 'get-contact', rows: [{ Identifier: `id:${second.id}` }] } });
  t.equal(started.statusCode, 202);
  const { id } = started.json<{ id: string }>();
  const done = await eventually(async () => {
    const view = (await app.inject({ method: 'GET', url: `/v1/runs/${id}`, headers })).json<{ status: string }>();
    return view.status === 'running' ? undefined : view;
  });
  t.match(done, { status: 'succeeded', progress: { rowsDone: 1, upstreamRequests: 1 } });

  const rejected = await app.inject({
    method: 'POST',
    url: '/v1/connectors/get-contact/run',
    headers: { ...headers, 'x-respondio-token': 'not-the-simulator-token' },
    payload: { rows: [{ Identifier: `id:${first.id}` }] },
  });
  t.equal(rejected.statusCode, 200, 'a token respond.io rejects is a run failure, not an HTTP error of the host');
  t.match(rejected.json(), { result: { status: 'failed', failure: { code: 'RC_TOKEN_REJECTED' } } });

  const badSetting = await app.inject({ method: 'POST', url: '/v1/connectors/get-contact/run', headers, payload: { settings: { 'Error behavior': 'x' }, rows: [] } });
  t.equal(badSetting.statusCode, 400);
  t.match(badSetting.json<ErrorShape>().error.message, /must be one of/);

  const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers })).body;
  t.match(metrics, /respondio_connectors_upstream_requests_total\{connector="get-contact",endpoint="GET \/contact\/\{identifier\}",status="200"\} [1-9]/);
  t.match(metrics, /respondio_connectors_rows_total\{connector="get-contact",outcome="success"\} 3/);

  t.same(logs.filter((line) => line.includes(simulator.token)), [], 'no log line holds the token'); // once: the line count varies
  for (const response of [sync, started, rejected]) t.notOk(response.body.includes(simulator.token));
});
