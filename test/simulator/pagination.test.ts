import t from 'tap';
import { buildSimulator } from '../../simulator/index.js';
import { authOf, body, isErrorBody } from './helpers.js';

const sim = buildSimulator({ limits: false });
const headers = authOf(sim);
t.teardown(() => sim.app.close());

interface ListBody {
  items: Array<Record<string, unknown>>;
  pagination: { next?: string | null; previous?: string | null };
}

/** Follows pagination.next (a full URL) until it is empty or missing, as a client must. */
async function walk(method: 'GET' | 'POST', firstUrl: string, payload?: object): Promise<{ ids: number[]; pages: ListBody[] }> {
  const ids: number[] = [];
  const pages: ListBody[] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const res = await sim.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode} ${res.body}`);
    const page = res.json() as ListBody;
    pages.push(page);
    for (const item of page.items) ids.push(Number(item.id ?? item.messageId));
    const next = page.pagination.next;
    url = next ? (() => { const u = new URL(next); return `${u.pathname}${u.search}`; })() : undefined;
    if (pages.length > 10_000) throw new Error('pagination does not end');
  }
  return { ids, pages };
}

t.test('POST /contact/list: walking next pages returns every contact once, newest first', async (t) => {
  const { ids, pages } = await walk('POST', '/v2/contact/list?limit=100', { search: '', timezone: 'UTC', filter: { $and: [] } });
  t.equal(ids.length, sim.data.contacts.length, 'all contacts');
  t.equal(new Set(ids).size, ids.length, 'no duplicates');
  t.equal(ids.join(), [...sim.data.contacts].map((c) => c.id).reverse().join(), 'newest first');
  t.equal(pages.length, Math.ceil(sim.data.contacts.length / 100));
  t.equal(pages.at(-1)?.pagination.next, '', 'the last page has an empty next');
  t.equal(pages[0]?.pagination.previous, null, 'the first page has no previous');
  const second = pages[1]?.pagination;
  t.match(second?.next, /^http:\/\/[^/]+\/v2\/contact\/list\?limit=100&cursorId=\d+$/, 'next is a full URL with cursorId');
  t.match(second?.previous, /^http:\/\/[^/]+\/v2\/contact\/list\?limit=100$/, 'previous of page 2 is page 1');
});

t.test('POST /contact/list: default limit 10, max 100, search on name / email / phone', async (t) => {
  const first = body(await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers, payload: {} })) as unknown as ListBody;
  t.equal(first.items.length, 10, 'default limit');
  const noBody = await sim.app.inject({ method: 'POST', url: '/v2/contact/list?limit=3', headers });
  t.equal((noBody.json() as ListBody).items.length, 3, 'a missing body is an empty search');
  for (const limit of ['0', '101', 'abc', '-1']) {
    t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: `/v2/contact/list?limit=${limit}`, headers, payload: {} }), 400), `limit=${limit}`);
  }
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/list?cursorId=x', headers, payload: {} }), 400), 'bad cursorId');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers, payload: { search: 5 } }), 400), 'search must be a string');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers, payload: { filter: { $and: 1 } } }), 400), 'bad filter');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers, payload: [] }), 400), 'body must be an object');

  const target = sim.data.contacts[0];
  for (const search of [String(target?.email), String(target?.phone), 'JOHN DOE']) {
    const { ids } = await walk('POST', '/v2/contact/list?limit=100', { search });
    t.ok(ids.includes(Number(target?.id)), `search ${search}`);
  }
  const { ids } = await walk('POST', '/v2/contact/list?limit=100', { search: 'zzz-nobody' });
  t.same(ids, [], 'no match → no items');
});

t.test('GET /contact/{identifier}/message/list: every message once, newest first; empty next at the end', async (t) => {
  const contact = sim.data.contacts[0];
  const { ids, pages } = await walk('GET', `/v2/contact/id:${contact?.id}/message/list?limit=2`);
  t.same(ids, sim.data.messagesOf(Number(contact?.id)).map((m) => m.messageId).reverse());
  t.equal(pages.at(-1)?.pagination.next, '', 'this list ends with an empty next');
  t.same(pages[0]?.items[0], sim.data.messagesOf(Number(contact?.id)).at(-1), 'items are the message bodies');
  t.ok(isErrorBody(await sim.app.inject({ url: '/v2/contact/id:9999999/message/list', headers }), 404));
  t.ok(isErrorBody(await sim.app.inject({ url: `/v2/contact/id:${contact?.id}/message/list?limit=500`, headers }), 400));
});
