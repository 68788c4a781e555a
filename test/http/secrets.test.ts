import t from 'tap';
import { API_KEY, eventually, ids, ndjson, testServer, TEST_TOKEN } from './server-helpers.js';

t.test('the respond.io token and the API key appear in no log line and no response', async (t) => {
  const s = await testServer({ logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } } });
  const logs = s.logs;
  t.teardown(() => s.app.close());
  // A hook that logs every header, as a careless plugin might: the redaction must still hold.
  s.app.addHook('onRequest', async (request) => {
    request.log.info({ headers: request.headers }, 'headers seen');
  });
  const url = '/v1/connectors/fake-contact/run';
  const responses = [
    await s.request({ method: 'POST', url, payload: { settings: { 'Error behavior': 'Do not fail and return response' }, rows: ids('id:1', 'leak', 'crash', 'fail:401', 'bad-output') } }),
    await s.request({ method: 'POST', url, token: false, payload: { connection: { Token: TEST_TOKEN }, rows: ids('leak', 'fatal') } }),
    await s.request({ method: 'POST', url, token: false, payload: { connection: { Token: TEST_TOKEN, 'Base URL': 'nope' }, rows: ids('id:1') } }),
    await s.request({ method: 'POST', url, token: false, payload: { connection: { Token: TEST_TOKEN, Extra: TEST_TOKEN }, rows: ids('id:1') } }),
    await s.request({ method: 'POST', url, payload: { connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': TEST_TOKEN }, rows: [] } }),
    await s.request({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: `{"connection":{"Token":"${TEST_TOKEN}"` }),
    await s.request({ method: 'POST', url, headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson({ connection: { Token: TEST_TOKEN } }, { Identifier: 'leak' }, { Identifier: 'id:2' }) }),
    await s.request({ method: 'GET', url: '/v1/connectors/fake-contact' }),
    await s.request({ method: 'GET', url: '/v1/connectors', auth: false, headers: { authorization: `Bearer ${TEST_TOKEN}` } }),
  ];
  const started = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'fake-contact', connection: { Token: TEST_TOKEN }, settings: { 'Error behavior': 'Do not fail and return response' }, rows: ids('leak', 'id:2') } });
  responses.push(started);
  const { id } = started.json<{ id: string }>();
  await eventually(async () => ((await s.request({ method: 'GET', url: `/v1/runs/${id}` })).json<{ status: string }>().status === 'running' ? undefined : true));
  responses.push(await s.request({ method: 'GET', url: `/v1/runs/${id}` }));
  responses.push(await s.request({ method: 'GET', url: `/v1/runs/${id}/rows` }));
  responses.push(await s.request({ method: 'GET', url: '/v1/runs' }));
  responses.push(await s.request({ method: 'GET', url: '/metrics' }));

  t.ok(logs.length > 20, `${logs.length} log lines captured`);
  t.ok(logs.some((line) => line.includes('[REDACTED]')), 'the headers were logged, redacted');
  t.ok(logs.some((line) => line.includes('"x-respondio-token":"[REDACTED]"')), 'the token header is redacted');
  // One assertion per secret, listing the offending lines (the number of log lines varies from run to run).
  t.same(logs.filter((line) => line.includes(TEST_TOKEN)), [], 'no log line holds the token');
  t.same(logs.filter((line) => line.includes(API_KEY)), [], 'no log line holds the API key');
  for (const response of responses) {
    t.notOk(response.body.includes(TEST_TOKEN), `response ${response.statusCode} free of the token: ${response.body.slice(0, 160)}`);
    t.notOk(response.body.includes(API_KEY), 'response free of the API key');
    t.notOk(JSON.stringify(response.headers).includes(TEST_TOKEN), 'response headers free of the token');
  }
  t.match(responses[0]?.body, /\[REDACTED\]/, 'the leaking error row was scrubbed by the runtime');
});
