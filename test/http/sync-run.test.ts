import t from 'tap';
import { ids, testServer, TEST_TOKEN, type ErrorShape } from './server-helpers.js';

const url = '/v1/connectors/fake-contact/run';
type Out = { rows: { StatusCode: number; Message: string | null; ID: number | null }[]; result: Record<string, unknown> & { status: string } };

t.test('a batch in, its rows back in input order with the run result', async (t) => {
  const s = await testServer({ fake: { delay: (id) => (id === 'id:1' ? 30 : 0) } });
  t.teardown(() => s.app.close());
  const response = await s.request({ method: 'POST', url, payload: { rows: ids('id:1', 'id:2', 'id:3') } });
  t.equal(response.statusCode, 200);
  const body = response.json<Out>();
  t.same(body.rows.map((r) => r.ID), [1, 2, 3], 'input order although row 1 is the slowest');
  t.match(body.result, { connector: 'fake-contact', status: 'succeeded', statusCode: 200, rowsRead: 3, rowsEmitted: 3, errorRows: 0 });

  const empty = await s.request({ method: 'POST', url, payload: { settings: {}, rows: [] } });
  t.match(empty.json<Out>(), { rows: [], result: { status: 'succeeded', statusCode: 201 } });
});

t.test('each error behavior, applied by the runtime (the route answers 200 with the run outcome)', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const rows = ids('id:1', 'fail:404', 'id:3');
  const run = async (behavior: string): Promise<Out> => {
    const response = await s.request({ method: 'POST', url, payload: { settings: { 'Error behavior': behavior }, rows } });
    t.equal(response.statusCode, 200, behavior);
    return response.json<Out>();
  };
  const failReturn = await run('Fail and return response');
  t.same(failReturn.rows.map((r) => r.StatusCode), [200, 404]);
  t.match(failReturn.result, { status: 'failed', statusCode: 300, failure: { row: 2, code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 404 } });

  const failSilent = await run('Fail without response');
  t.same(failSilent.rows.map((r) => r.StatusCode), [200]);
  t.match(failSilent.result, { status: 'failed', failure: { row: 2 } });

  const goOn = await run('Do not fail and return response');
  t.same(goOn.rows.map((r) => r.StatusCode), [200, 404, 200]);
  t.match(goOn.result, { status: 'succeeded with errors', statusCode: 202, errorRows: 1 });

  const kebab = await run('do-not-fail-and-return-response');
  t.equal(kebab.result.errorBehavior, 'Do not fail and return response', 'the kebab-case spelling is accepted as by the library');
});

t.test('one bad row does not 400 the batch: it is an error row', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const response = await s.request({
    method: 'POST',
    url,
    payload: { settings: { 'Error behavior': 'Do not fail and return response' }, rows: [{ Identifier: 'id:1' }, { Identifier: 42 }, 'not an object', {}] },
  });
  t.equal(response.statusCode, 200);
  const body = response.json<Out>();
  t.same(body.rows.map((r) => r.StatusCode), [200, 400, 400, 400]);
  t.match(body.rows[1]?.Message, /Identifier/);
});

t.test('a token respond.io rejects during the run is a run failure, not an HTTP error', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const response = await s.request({ method: 'POST', url, payload: { settings: { 'Error behavior': 'Do not fail and return response' }, rows: ids('id:1', 'fatal', 'id:3') } });
  t.equal(response.statusCode, 200);
  t.match(response.json<Out>(), { rows: [{ ID: 1 }], result: { status: 'failed', failure: { row: 2, code: 'RC_TOKEN_REJECTED' } } });
});

t.test('the token: header, or connection.Token in the body; none is a 400 before any row', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const none = await s.request({ method: 'POST', url, token: false, payload: { rows: ids('id:1') } });
  t.equal(none.statusCode, 400);
  t.match(none.json<ErrorShape>().error, { code: 'RC_INVALID_CONNECTION', statusCode: 400, message: /Token/ });
  t.same(s.calls, [], 'no row was processed');

  const inBody = await s.request({ method: 'POST', url, token: false, payload: { connection: { Token: TEST_TOKEN }, rows: ids('id:1') } });
  t.equal(inBody.statusCode, 200);
  t.equal(inBody.json<Out>().result.status, 'succeeded');

  const badUrl = await s.request({ method: 'POST', url, payload: { connection: { 'Base URL': 'ftp://nowhere' }, rows: ids('id:1') } });
  t.equal(badUrl.statusCode, 400);
  t.equal(badUrl.json<ErrorShape>().error.code, 'RC_INVALID_CONNECTION');
});

t.test('bad bodies: 400 naming the field, allowed values listed, no stack', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const cases: [unknown, RegExp, string][] = [
    [{ settings: {} }, /body\.rows is required/, 'body.rows'],
    [{ rows: 'x' }, /body\.rows must be array/, 'body.rows'],
    [{ rows: [], extra: 1 }, /body\.extra is not allowed/, 'body.extra'],
    [{ rows: [], settings: { Colour: 'red' } }, /body\.settings\.Colour is not allowed/, 'body.settings.Colour'],
    [{ rows: [], concurrency: 0 }, /body\.concurrency must be >= 1/, 'body.concurrency'],
    [[1, 2], /body must be object/, 'body'],
  ];
  for (const [payload, message, field] of cases) {
    const response = await s.request({ method: 'POST', url, payload: payload as object });
    t.equal(response.statusCode, 400, JSON.stringify(payload));
    const body = response.json<ErrorShape>();
    t.equal(body.error.code, 'RC_INVALID_REQUEST');
    t.match(body.error.message, message);
    t.match(body.error.details, [{ field }]);
  }
  const behavior = await s.request({ method: 'POST', url, payload: { rows: [], settings: { 'Error behavior': 'Fail loudly' } } });
  t.equal(behavior.statusCode, 400);
  t.match(behavior.json<ErrorShape>().error, {
    code: 'RC_INVALID_REQUEST',
    message: /body\.settings\.Error behavior must be one of "Fail and return response", "Fail without response", "Do not fail and return response"/,
    details: [{ field: 'body.settings.Error behavior', allowedValues: ['Fail and return response', 'Fail without response', 'Do not fail and return response'] }],
  });

  const malformed = await s.request({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: `{"rows":[{"Identifier":"${TEST_TOKEN}"` });
  t.equal(malformed.statusCode, 400);
  t.same(Object.keys(malformed.json()), ['error']);
  t.match(malformed.json<ErrorShape>().error, { code: 'RC_INVALID_REQUEST', message: 'the body is not valid JSON' });
  t.notMatch(malformed.body, /at .*\.(js|ts):\d+/, 'no stack');
  t.notMatch(malformed.body, TEST_TOKEN, 'the body is not quoted back');

  const media = await s.request({ method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload: 'Identifier\nid:1\n' });
  t.equal(media.statusCode, 415);
  t.equal(media.json<ErrorShape>().error.code, 'RC_INVALID_REQUEST');

  const query = await s.request({ method: 'POST', url: `${url}?bogus=1`, payload: { rows: [] } });
  t.equal(query.statusCode, 400);
  t.match(query.json<ErrorShape>().error.message, /querystring\.bogus/);
});

t.test('a body over the limit: 413', async (t) => {
  const s = await testServer({ bodyLimit: 2048 });
  t.teardown(() => s.app.close());
  const response = await s.request({ method: 'POST', url, payload: { rows: ids(...Array.from({ length: 200 }, (_, i) => `id:${i}`)) } });
  t.equal(response.statusCode, 413);
  t.match(response.json<ErrorShape>().error, { code: 'RC_BODY_TOO_LARGE', statusCode: 413 });
  t.same(s.calls, []);
});
