import nock from 'nock';
import t from 'tap';
import { ids, testServer, type ErrorShape } from './server-helpers.js';

// A caller with the API key must not be able to send the host's requests (and the token) anywhere it likes.
nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());

const url = '/v1/connectors/fake-contact/run';

t.test('a Base URL outside the allowed upstreams is refused with 400 before any row runs', async (t) => {
  const s = await testServer({ fake: { calls: [] } });
  t.teardown(() => s.app.close());
  for (const [where, request] of [
    ['header', { headers: { 'x-respondio-base-url': 'http://169.254.169.254/latest/meta-data' } }],
    ['body', { payload: { connection: { 'Base URL': 'http://10.0.0.5:6379/' }, rows: ids('id:1') } }],
    ['loopback on a host that does not serve loopback only', { payload: { connection: { 'Base URL': 'http://127.0.0.1:4010/v2' }, rows: ids('id:1') } }],
    ['a look-alike origin', { payload: { connection: { 'Base URL': 'https://api.respond.io.evil.example/v2' }, rows: ids('id:1') } }],
    ['a sibling path', { payload: { connection: { 'Base URL': 'https://api.respond.io/v20' }, rows: ids('id:1') } }],
  ] as const) {
    const answer = await s.request({ method: 'POST', url, payload: { rows: ids('id:1') }, ...request });
    t.equal(answer.statusCode, 400, where);
    t.match(answer.json<ErrorShape>(), { error: { code: 'RC_UPSTREAM_NOT_ALLOWED', message: /Base URL .* is not an upstream this host sends tokens to/ } }, where);
  }
  t.same(s.calls, [], 'the connector was never called');
});

t.test("respond.io's API, the host's own base URL (its origin), --allow-upstream and loopback on a loopback host pass", async (t) => {
  const s = await testServer({ baseUrl: 'http://sim.test:4010/v2', allowedUpstreams: ['https://proxy.example/respondio/v2'], fake: { calls: [] } });
  t.teardown(() => s.app.close());
  for (const base of ['https://api.respond.io/v2', 'http://sim.test:4010/v2', 'http://sim.test:4010/custom/channel/webhook/', 'https://proxy.example/respondio/v2']) {
    const answer = await s.request({ method: 'POST', url, headers: { 'x-respondio-base-url': base }, payload: { rows: ids('id:1') } });
    t.equal(answer.statusCode, 200, base);
  }
  const refused = await s.request({ method: 'POST', url, headers: { 'x-respondio-base-url': 'https://proxy.example/other' }, payload: { rows: ids('id:1') } });
  t.equal(refused.statusCode, 400, 'only below the allowed path');
  const loopback = await testServer({ allowLoopbackUpstreams: true });
  t.teardown(() => loopback.app.close());
  const local = await loopback.request({ method: 'POST', url, headers: { 'x-respondio-base-url': 'http://127.0.0.1:4010/v2' }, payload: { rows: ids('id:1') } });
  t.equal(local.statusCode, 200, 'loopback is allowed when the host serves loopback only');
});

t.test('the connector named by its display name meets the same check', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const answer = await s.request({ method: 'POST', url: '/v1/runs', payload: { connector: 'Fake - Get Contact', connection: { 'Base URL': 'http://169.254.169.254/' }, rows: ids('id:1') } });
  t.equal(answer.statusCode, 400);
  t.match(answer.json<ErrorShape>(), { error: { code: 'RC_UPSTREAM_NOT_ALLOWED' } });
});
