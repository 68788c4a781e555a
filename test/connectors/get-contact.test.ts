import nock from 'nock';
import t from 'tap';
import { contactRow } from '../../connectors/respond-io/contact-row.js';
import { loadPlugin } from '../../connectors/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, BASE_URL, contactBody, notFound, TOKEN } from '../respond-io/fixtures.js';

// Through the real runtime (schemas validate every output row) and the real client; nock is the network.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());

const plugin = await loadPlugin();
const run = (rows: unknown[], behavior = 'Do not fail and return response', extra: Record<string, unknown> = {}) =>
  plugin.run({
    connector: 'get-contact', rows, connection: { Token: TOKEN, 'Base URL': BASE_URL }, settings: { 'Error behavior': behavior },
    connectorOptions: { clock: new FakeClock({ autoAdvance: true }), random: () => 0.5, ...extra }, concurrency: 1,
  }).collect();

const nullColumns = { ID: null, Status: null, Tags: null, Assignee: null, CreatedAt: null, FirstName: null, LastName: null, Phone: null, Email: null, Language: null, ProfilePictureUrl: null, CountryCode: null, CustomFields: null };

t.test('the full body maps to every column (Response 1.1.0)', async (t) => {
  const scope = api().get('/v2/contact/id:12345').reply(200, contactBody);
  const { rows, result } = await run([{ Identifier: 'id:12345' }]);
  t.same(rows, [{
    StatusCode: 200, Message: null, ID: 12345, Status: 'open', Tags: ['vip', 'premium'],
    Assignee: { id: 456, firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com' }, CreatedAt: '2022-09-15T20:34:41.000Z',
    FirstName: 'John', LastName: 'Doe', Phone: '+60123456789', Email: 'john@example.com', Language: 'en',
    ProfilePictureUrl: 'https://cdn.respond.io/avatars/12345.png', CountryCode: 'MY', CustomFields: [{ name: 'order_id', value: 'A-17' }],
  }]);
  t.match(result, { status: 'succeeded', upstream: { requests: 1 } });
  scope.done();
});

t.test('variants: missing optional keys, null assignee and custom_fields, other status spellings, extra keys', async (t) => {
  const scope = api()
    .get('/v2/contact/id:1').reply(200, { id: 1 })
    .get('/v2/contact/email:lee%40example.com').reply(200, { ...contactBody, id: 2, assignee: null, custom_fields: null, tags: undefined, status: 'close', isBlocked: false, locale: 'en_MY' })
    .get('/v2/contact/phone:%2B60177872890').reply(200, { ...contactBody, id: 3, status: 'closed', firstName: null, created_at: null, profilePic: null });
  const { rows, result } = await run([{ Identifier: 'id:1' }, { Identifier: 'email:lee@example.com' }, { Identifier: 'phone:+60177872890' }]);
  t.equal(result.status, 'succeeded', 'every row valid against the output schema');
  t.same(rows[0], { StatusCode: 200, Message: null, ...nullColumns, ID: 1 }, 'only an id');
  t.match(rows[1], { ID: 2, Assignee: null, CustomFields: null, Tags: null, Status: 'close' });
  t.notOk('isBlocked' in (rows[1] as object), 'extra keys are dropped');
  t.match(rows[2], { ID: 3, Status: 'closed', FirstName: null, CreatedAt: null, ProfilePictureUrl: null });
  scope.done();
});

t.test('contactRow tolerates odd types without throwing', async (t) => {
  t.match(contactRow({ id: '77' as unknown as number, created_at: '1663274081' as unknown as number, firstName: 5 as unknown as string }), { ID: 77, CreatedAt: '2022-09-15T20:34:41.000Z', FirstName: null });
});

t.test('errors become error rows in the runtime: 404, bad identifier (no request), 503 then 200', async (t) => {
  const scope = api()
    .get('/v2/contact/id:404').reply(404, notFound)
    .get('/v2/contact/id:5').reply(503, '<html>503</html>')
    .get('/v2/contact/id:5').reply(200, { id: 5 });
  const { rows, result } = await run([{ Identifier: 'id:404' }, { Identifier: 'name:bob' }, { Identifier: 'id:5' }]);
  t.same(rows[0], { StatusCode: 404, Message: 'Contact not found', ...nullColumns });
  t.match(rows[1], { StatusCode: 400, Message: /^Identifier "name:bob" has an unknown prefix "name"/, ID: null });
  t.match(rows[2], { StatusCode: 200, ID: 5 });
  t.match(result, { status: 'succeeded with errors', errorRows: 2, upstream: { requests: 3, retries: 1 } });
  scope.done();
});

t.test('401 stops the run in every setting, after one request', async (t) => {
  for (const behavior of ['Fail and return response', 'Do not fail and return response']) {
    const scope = api().get('/v2/contact/id:1').reply(401, { code: 401, message: 'Unauthorized' });
    const { rows, result } = await run([{ Identifier: 'id:1' }, { Identifier: 'id:2' }, { Identifier: 'id:3' }], behavior);
    t.match(result, { status: 'failed', failure: { code: 'RC_TOKEN_REJECTED', message: /rejected the token \(401\)/ }, upstream: { requests: 1 } }, behavior);
    t.equal(rows.length, 0, 'no row after a configuration error');
    t.notMatch(JSON.stringify({ rows, result }), TOKEN);
    scope.done();
  }
});

t.test('connector options and Rate limits are validated when the run opens', async (t) => {
  t.throws(() => plugin.run({ connector: 'get-contact', rows: [], connection: { Token: TOKEN }, connectorOptions: { timeout: 5 } }), { code: 'RC_INVALID_OPTION', message: /connector option 'timeout' is not part of the schema \(Respond.io - Client Options 1.0.0: timeoutMs, pacing, coalesce, rateLimitHeaders, maxResponseBytes, retryPolicy/ });
  t.throws(() => plugin.run({ connector: 'get-contact', rows: [], connection: { Token: TOKEN }, connectorOptions: { timeoutMs: -1 } }), { code: 'RC_INVALID_OPTION', message: /connector option 'timeoutMs' must be >= 1 \(got -1\)/ });
  t.throws(() => plugin.run({ connector: 'get-contact', rows: [], connection: { Token: TOKEN }, settings: { 'Rate limits': { 'GET /contact/{identifier}': 0 } } }), { code: 'RC_INVALID_SETTINGS' });
});
