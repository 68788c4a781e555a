import nock from 'nock';
import t from 'tap';
import type { RespondIoEndpoint } from '../../connectors/respond-io/client.js';
import { api, BASE_URL, failure, ORIGIN, testClient } from './fixtures.js';

// paginate(): list pages of { items, pagination: { next, previous } }, cursorId taken out of `next`.
nock.disableNetConnect();
t.teardown(() => nock.enableNetConnect());
t.afterEach(() => nock.cleanAll());

const listUsers: RespondIoEndpoint = { method: 'GET', path: '/space/user', idempotent: true };
const listContacts: RespondIoEndpoint = { method: 'POST', path: '/contact/list', idempotent: true };

async function collect<T>(pages: AsyncGenerator<{ items: T[]; cursorId: string | undefined }>): Promise<Array<{ items: T[]; cursorId: string | undefined }>> {
  const out = [];
  for await (const page of pages) out.push(page);
  return out;
}

t.test('follows next (with /v2, then without it) until an empty next; limit on every page', async (t) => {
  const scope = api()
    .get('/v2/space/user').query({ limit: '2' })
    .reply(200, { items: [{ id: 1 }, { id: 2 }], pagination: { next: `${BASE_URL}/space/user?limit=2&cursorId=2`, previous: '' } })
    .get('/v2/space/user').query({ limit: '2', cursorId: '2' })
    .reply(200, { items: [{ id: 3 }, { id: 4 }], pagination: { next: `${ORIGIN}/space/user?cursorId=4&limit=2`, previous: `${BASE_URL}/space/user?cursorId=1` } })
    .get('/v2/space/user').query({ limit: '2', cursorId: '4' })
    .reply(200, { items: [{ id: 5 }], pagination: { next: '', previous: `${BASE_URL}/space/user?cursorId=2` } });
  const { client } = testClient();
  const pages = await collect(client.paginate<{ id: number }>(listUsers, { limit: 2 }));
  t.same(pages.map((page) => page.items.map((item) => item.id)), [[1, 2], [3, 4], [5]]);
  t.same(pages.map((page) => page.cursorId), ['2', '4', undefined], "the next page's cursor, none on the last");
  t.equal(client.stats().requests, 3);
  scope.done();
});

t.test('a null next, a missing pagination, or a next without cursorId end the list', async (t) => {
  const scope = api()
    .post('/v2/contact/list', { search: 'jo' }).query({ limit: '99' }).reply(200, { items: [{ id: 1 }], pagination: { next: null, previous: null } })
    .post('/v2/contact/list', { search: 'jo' }).query({ limit: '99' }).reply(200, { items: [] })
    .post('/v2/contact/list', { search: 'jo' }).query({ limit: '99' }).reply(200, { items: [{ id: 2 }], pagination: { next: `${BASE_URL}/contact/list?limit=99` } });
  const { client } = testClient();
  for (const expected of [[{ id: 1 }], [], [{ id: 2 }]]) {
    const pages = await collect(client.paginate(listContacts, { limit: 99, body: { search: 'jo' } }));
    t.same(pages, [{ items: expected, cursorId: undefined }]);
  }
  scope.done();
});

t.test('each page is paced and retried like any call: a 429 on page 2 waits its Retry-After', async (t) => {
  const scope = api()
    .get('/v2/space/user').reply(200, { items: [1], pagination: { next: `${BASE_URL}/space/user?cursorId=7` } })
    .get('/v2/space/user').query({ cursorId: '7' }).reply(429, { message: 'slow down' }, { 'retry-after': '2' })
    .get('/v2/space/user').query({ cursorId: '7' }).reply(200, { items: [2], pagination: { next: '' } });
  const { client } = testClient();
  t.same((await collect(client.paginate(listUsers))).map((page) => page.items), [[1], [2]]);
  t.match(client.stats(), { requests: 3, retries: 1, rateLimited: 1 });
  t.ok(client.stats().rateLimitWaitMs >= 2000, 'the Retry-After was waited');
  scope.done();
});

t.test('a body that is not a list, or a next that points back, fails with RC_UPSTREAM_BAD_BODY', async (t) => {
  const scope = api()
    .get('/v2/space/user').reply(200, { users: [] })
    .get('/v2/space/user').reply(200, { items: [1], pagination: { next: `${BASE_URL}/space/user?cursorId=5` } })
    .get('/v2/space/user').query({ cursorId: '5' }).reply(200, { items: [2], pagination: { next: `${BASE_URL}/space/user?cursorId=5` } });
  const { client } = testClient();
  t.match(await failure(collect(client.paginate(listUsers))), { code: 'RC_UPSTREAM_BAD_BODY', statusCode: 500, message: /without the list expected/ });
  t.match(await failure(collect(client.paginate(listUsers))), { code: 'RC_UPSTREAM_BAD_BODY', message: /pointing back to cursorId "5"/ });
  scope.done();
});
