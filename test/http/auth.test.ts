import t from 'tap';
import { bearerTokenChecker } from '../../runtime/bearer-token.js';
import { buildServer } from '../../hosts/http/build-server.js';
import { fakePlugin } from '../helpers/fake-connector.js';
import { API_KEY, testServer, type ErrorShape } from './server-helpers.js';

t.test('every route but health and readiness needs the Bearer key', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const routes: [string, string][] = [
    ['GET', '/v1/manifest'],
    ['GET', '/v1/connectors'],
    ['GET', '/v1/connectors/fake-contact'],
    ['POST', '/v1/connectors/fake-contact/run'],
    ['POST', '/v1/runs'],
    ['GET', '/v1/runs/abc'],
    ['GET', '/v1/runs/abc/rows'],
    ['DELETE', '/v1/runs/abc'],
    ['GET', '/metrics'],
  ];
  for (const [method, url] of routes) {
    for (const authorization of [undefined, 'Bearer wrong-key-wrong-key-wrong', `Basic ${API_KEY}`, `Bearer ${API_KEY}x`, API_KEY]) {
      const response = await s.app.inject({ method: method as 'GET', url, headers: authorization ? { authorization } : {} });
      t.equal(response.statusCode, 401, `${method} ${url} with ${authorization ?? 'no header'}`);
      const body = response.json<ErrorShape>();
      t.same(Object.keys(body), ['error']);
      t.equal(body.error.code, 'RC_UNAUTHORIZED');
      t.equal(body.error.statusCode, 401);
      t.equal(response.headers['www-authenticate'], 'Bearer realm="respondio-connectors"');
    }
  }
  const ok = await s.request({ method: 'GET', url: '/v1/connectors' });
  t.equal(ok.statusCode, 200, 'the right key passes');
  const lower = await s.app.inject({ method: 'GET', url: '/v1/connectors', headers: { authorization: `bearer ${API_KEY}` } });
  t.equal(lower.statusCode, 200, 'the scheme is case-insensitive');
});

t.test('the key comparison hashes both sides, so it takes equal-length inputs whatever is presented', async (t) => {
  const check = bearerTokenChecker(API_KEY);
  t.equal(check(`Bearer ${API_KEY}`), 'ok');
  t.equal(check(`Bearer ${API_KEY.slice(0, -1)}`), 'wrong', 'a prefix does not match');
  t.equal(check('Bearer '), 'malformed');
  t.equal(check(`Bearer ${API_KEY}${'x'.repeat(10_000)}`), 'wrong', 'a longer key neither matches nor throws');
});

t.test('no key: refused unless open on loopback; an open host answers loopback clients only', async (t) => {
  await t.rejects(buildServer({ plugin: fakePlugin(), logger: false, apiKey: undefined }), /no API key/);
  await t.rejects(buildServer({ plugin: fakePlugin(), logger: false, apiKey: 'short' }), /at least 16 characters/);
  const previous = process.env.RESPONDIO_CONNECTORS_API_KEY;
  delete process.env.RESPONDIO_CONNECTORS_API_KEY;
  t.teardown(() => {
    if (previous !== undefined) process.env.RESPONDIO_CONNECTORS_API_KEY = previous;
  });
  const app = await buildServer({ plugin: fakePlugin(), logger: false, allowOpenOnLoopback: true });
  t.teardown(() => app.close());
  t.equal((await app.inject({ method: 'GET', url: '/v1/connectors', remoteAddress: '127.0.0.1' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/v1/connectors', remoteAddress: '::1' })).statusCode, 200);
  const remote = await app.inject({ method: 'GET', url: '/v1/connectors', remoteAddress: '10.1.2.3' });
  t.equal(remote.statusCode, 401);
  t.equal(remote.json<ErrorShape>().error.code, 'RC_UNAUTHORIZED');
  t.equal((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.1.2.3' })).statusCode, 200);
});

t.test('the key comes from RESPONDIO_CONNECTORS_API_KEY by default', async (t) => {
  const previous = process.env.RESPONDIO_CONNECTORS_API_KEY;
  process.env.RESPONDIO_CONNECTORS_API_KEY = 'from-the-environment-123456';
  t.teardown(() => {
    if (previous === undefined) delete process.env.RESPONDIO_CONNECTORS_API_KEY;
    else process.env.RESPONDIO_CONNECTORS_API_KEY = previous;
  });
  const app = await buildServer({ plugin: fakePlugin(), logger: false });
  t.teardown(() => app.close());
  t.equal((await app.inject({ method: 'GET', url: '/v1/connectors', headers: { authorization: 'Bearer from-the-environment-123456' } })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/v1/connectors', headers: { authorization: `Bearer ${API_KEY}` } })).statusCode, 401);
});
