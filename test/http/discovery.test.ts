import t from 'tap';
import { testServer, type ErrorShape } from './server-helpers.js';

t.test('health and readiness are open', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const health = await s.request({ method: 'GET', url: '/healthz', auth: false });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  const ready = await s.request({ method: 'GET', url: '/readyz', auth: false });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'ready', connectors: 1 });
});

t.test('manifest, connector list, one connector', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());

  const manifest = await s.request({ method: 'GET', url: '/v1/manifest' });
  t.equal(manifest.statusCode, 200);
  t.match(manifest.json(), { manifestVersion: '1.1.0', plugin: { id: 'fake-plugin' }, connectors: [{ id: 'fake-contact' }] });

  const list = await s.request({ method: 'GET', url: '/v1/connectors' });
  t.equal(list.statusCode, 200);
  t.match(list.json(), { connectors: [{ id: 'fake-contact', name: 'Fake - Get Contact', versionBadge: '1.0', links: { run: '/v1/connectors/fake-contact/run' } }] });

  const one = await s.request({ method: 'GET', url: '/v1/connectors/fake-contact' });
  t.equal(one.statusCode, 200);
  const description = one.json();
  t.same(description.configuration.Settings.schema.properties['Error behavior'].enum, [
    'Fail and return response',
    'Fail without response',
    'Do not fail and return response',
  ]);
  t.same(description.configuration.Connection.secretFields, ['Token']);
  t.ok(description.input.schema.properties.Identifier, 'input schema resolved');
  t.ok(description.output.columns.some((c: { name: string }) => c.name === 'StatusCode'), 'output columns');
  t.notMatch(JSON.stringify(description), /"\$ref":"urn:/, 'every $ref to another schema is inlined');

  const byName = await s.request({ method: 'GET', url: `/v1/connectors/${encodeURIComponent('Fake - Get Contact')}` });
  t.equal(byName.statusCode, 200, 'the display name works too');
  t.equal(byName.json().id, 'fake-contact');
});

t.test('unknown connector and unknown route: 404 with the error shape', async (t) => {
  const s = await testServer();
  t.teardown(() => s.app.close());
  const unknown = await s.request({ method: 'GET', url: '/v1/connectors/nope' });
  t.equal(unknown.statusCode, 404);
  const body = unknown.json<ErrorShape>();
  t.equal(body.error.code, 'RC_UNKNOWN_CONNECTOR');
  t.equal(body.error.statusCode, 404);
  t.match(body.error.message, /fake-contact/, 'names the known connectors');

  const run = await s.request({ method: 'POST', url: '/v1/connectors/nope/run', payload: { rows: [] } });
  t.equal(run.statusCode, 404);
  t.equal(run.json<ErrorShape>().error.code, 'RC_UNKNOWN_CONNECTOR');

  const byName = await s.request({ method: 'POST', url: `/v1/connectors/${encodeURIComponent('Fake - Get Contact')}/run`, payload: { rows: [] } });
  t.equal(byName.statusCode, 404);
  t.match(byName.json<ErrorShape>().error, { code: 'RC_NOT_FOUND', message: /\/v1\/connectors\/fake-contact\/run/ });

  const route = await s.request({ method: 'GET', url: '/v2/whatever?x=1' });
  t.equal(route.statusCode, 404);
  t.same(Object.keys(route.json()), ['error']);
  t.match(route.json<ErrorShape>().error, { code: 'RC_NOT_FOUND', statusCode: 404 });
});
