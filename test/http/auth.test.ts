import t from 'tap';
import { bearerTokenChecker } from '../../runtime/bearer-token.js';
import { isLoopbackAddress } from '../../hosts/http/auth.js';
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
  t.match(remote.json<ErrorShape>().error.message, /runs without an API key and answers loopback clients only/);
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

t.test('the Authorization header: blank is missing, any other scheme or shape is malformed; spaces around the token are allowed', async (t) => {
  const check = bearerTokenChecker(API_KEY);
  t.equal(check(undefined), 'missing');
  t.equal(check('  \t'), 'missing', 'blank');
  t.equal(check(`Basic ${API_KEY}`), 'malformed');
  t.equal(check(`Bearer ${API_KEY} extra`), 'malformed', 'two words after the scheme');
  t.equal(check(`x Bearer ${API_KEY}`), 'malformed', 'the scheme first');
  t.equal(check(`Bearer  \t${API_KEY}`), 'ok', 'several blanks after the scheme');
  t.equal(check(`Bearer ${API_KEY} \t`), 'ok', 'trailing blanks');
  t.equal(check(`BEARER ${API_KEY}`), 'ok', 'the scheme in any case');
});

t.test('the 401 says why: no key sent, or a key that is not valid', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const message = async (headers: Record<string, string>): Promise<string> => (await s.app.inject({ method: 'GET', url: '/v1/connectors', headers })).json<ErrorShape>().error.message;
  t.match(await message({}), /send Authorization: Bearer <API key>/);
  t.match(await message({ authorization: 'Token abc' }), /send Authorization: Bearer <API key>/);
  t.match(await message({ authorization: 'Bearer not-the-key-at-all' }), /the API key is not valid/);
});

t.test('loopback: 127.0.0.0/8 and ::1, also IPv4-mapped; nothing that merely contains one', async (t) => {
  for (const address of ['127.0.0.1', '127.10.200.3', '127.0.0.255', '::1', '::ffff:127.0.0.1', '::ffff:127.100.22.33', '::ffff:127.1.2.254']) t.ok(isLoopbackAddress(address), address);
  for (const address of [undefined, '', '10.1.2.3', '128.0.0.1', '1127.0.0.1', '127.0.0.1.5', '127.0.0', '::2', '::10', 'fe80::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1x']) {
    t.notOk(isLoopbackAddress(address), String(address));
  }
});
