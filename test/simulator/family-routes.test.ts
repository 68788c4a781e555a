import t from 'tap';
import { FakeClock } from '../helpers/fake-clock.js';
import { buildSimulator } from '../../simulator/index.js';
import { endpoints } from '../../simulator/endpoints.js';
import { authOf, body, isErrorBody } from './helpers.js';

// The routes the rest of the family (List Users, Create Or Update Contact) and respond.io's n8n node call.
const sim = buildSimulator({ limits: false, contacts: 40 });
const headers = authOf(sim);
t.teardown(() => sim.app.close());

interface ListBody {
  items: Array<Record<string, unknown>>;
  pagination: { next?: string; previous?: string };
}

t.test('GET /space/user: every user once over full-URL pages; the last page has no next', async (t) => {
  const ids: number[] = [];
  let url: string | undefined = '/v2/space/user?limit=10';
  let last: ListBody | undefined;
  let pages = 0;
  while (url !== undefined) {
    const response = await sim.app.inject({ url, headers });
    t.equal(response.statusCode, 200, url);
    last = response.json() as ListBody;
    pages += 1;
    ids.push(...last.items.map((user) => Number(user.id)));
    if (last.pagination.next !== undefined) {
      t.match(last.pagination.next, /^http:\/\/[^/]+\/v2\/space\/user\?limit=10&cursorId=\d+$/, 'next is a full URL');
      const next = new URL(last.pagination.next);
      url = `${next.pathname}${next.search}`;
    } else url = undefined;
  }
  t.same(ids, sim.data.users.map((user) => user.id).reverse(), 'every user, newest first');
  t.equal(pages, Math.ceil(sim.data.users.length / 10));
  t.notOk('next' in (last?.pagination ?? {}), 'the end: next left out');
  const first = (await sim.app.inject({ url: '/v2/space/user?limit=100', headers })).json() as ListBody;
  const shapes = new Set(first.items.map((user) => `${user.team === null ? 'no team' : 'team'}/${'restrictions' in user ? 'restrictions' : 'no key'}`));
  t.same([...shapes].sort(), ['no team/no key', 'no team/restrictions', 'team/no key', 'team/restrictions'], 'every variant respond.io sends');
  t.same(first.items.at(-1), { id: 456, firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com', role: 'owner', team: { id: 11, name: 'Customer Support' }, restrictions: [] });
  t.ok(isErrorBody(await sim.app.inject({ url: '/v2/space/user?limit=0', headers }), 400));
});

t.test('create, update, tag, untag and delete a contact; create_or_update with id: only updates', async (t) => {
  const contact = '/v2/contact/email:new.person@example.com';
  const created = await sim.app.inject({ method: 'POST', url: contact, headers, payload: { firstName: 'New', phone: '+60199990000' } });
  t.same([created.statusCode, body(created)], [200, { code: 200, message: 'Contact added successfully!' }]);
  const id = sim.data.find({ type: 'email', email: 'new.person@example.com' })?.id;
  t.ok(id, 'stored');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: contact, headers, payload: { firstName: 'New' } }), 400), 'exists already');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/id:5', headers, payload: { firstName: 'X' } }), 400), 'no create by id:');
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: '/v2/contact/phone:+60188880000', headers, payload: { lastName: 'X' } }), 400), 'firstName required');

  const updated = await sim.app.inject({ method: 'PUT', url: `/v2/contact/id:${id}`, headers, payload: { lastName: 'Person' } });
  t.same(body(updated), { contactId: id });
  t.equal(sim.data.contact(Number(id))?.lastName, 'Person');
  t.ok(isErrorBody(await sim.app.inject({ method: 'PUT', url: '/v2/contact/id:99999', headers, payload: {} }), 404));
  const taken = sim.data.contacts[0]?.email;
  t.ok(isErrorBody(await sim.app.inject({ method: 'PUT', url: contact, headers, payload: { email: taken } }), 400), "another contact's email");

  t.same(body(await sim.app.inject({ method: 'POST', url: `${contact}/tag`, headers, payload: ['vip', 'lead'] })), { contactId: id });
  t.same(body(await sim.app.inject({ method: 'DELETE', url: `${contact}/tag`, headers, payload: ['vip'] })), { contactId: id });
  t.same(sim.data.contact(Number(id))?.tags, ['lead']);
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: `${contact}/tag`, headers, payload: { tags: ['x'] } }), 400), 'tags are an array');
  const eleven = Array.from({ length: 10 }, (_, n) => `t${n}`);
  t.ok(isErrorBody(await sim.app.inject({ method: 'POST', url: `${contact}/tag`, headers, payload: eleven }), 400), 'at most 10 tags on a contact');

  const missingById = await sim.app.inject({ method: 'POST', url: '/v2/contact/create_or_update/id:99999', headers, payload: { firstName: 'X' } });
  t.ok(isErrorBody(missingById, 404), 'create_or_update with a missing id: is 404');
  const upsert = await sim.app.inject({ method: 'POST', url: `/v2/contact/create_or_update/id:${id}`, headers, payload: { firstName: 'Renamed' } });
  t.same([upsert.statusCode, body(upsert)], [200, { contactId: id }]);

  t.same(body(await sim.app.inject({ method: 'DELETE', url: contact, headers })), { contactId: id });
  t.equal(sim.data.contact(Number(id)), undefined, 'gone');
  t.ok(isErrorBody(await sim.app.inject({ method: 'DELETE', url: contact, headers }), 404), 'deleting twice is 404');
});

t.test('GET /contact/{identifier}/channels: the channels the contact has messages on, paginated', async (t) => {
  const contact = sim.data.contacts[0];
  const expected = [...new Set(sim.data.messagesOf(Number(contact?.id)).map((m) => m.channelId))].sort((a, b) => b - a);
  const all = (await sim.app.inject({ url: `/v2/contact/id:${contact?.id}/channels`, headers })).json() as ListBody;
  t.same(all.items.map((c) => c.id), expected);
  t.match(all.items[0], { id: Number, name: String, source: String, lastMessageTime: Number, created_at: Number });
  t.equal(all.pagination.next, '', 'one page: empty next');
  const paged = (await sim.app.inject({ url: `/v2/contact/id:${contact?.id}/channels?limit=1`, headers })).json() as ListBody;
  t.match(paged.pagination.next, /^http:\/\/[^/]+\/v2\/contact\/id:\d+\/channels\?limit=1&cursorId=\d+$/);
  t.ok(isErrorBody(await sim.app.inject({ url: '/v2/contact/id:99999/channels', headers }), 404));
});

t.test('a bodiless POST is accepted whatever its Content-Type; a non-JSON body is still 415', async (t) => {
  for (const type of ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/octet-stream']) {
    const response = await sim.app.inject({ method: 'POST', url: '/v2/contact/list?limit=2', headers: { ...headers, 'content-type': type } });
    t.equal(response.statusCode, 200, `empty body labelled ${type}`);
    t.equal((response.json() as ListBody).items.length, 2);
  }
  const form = await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'search=john' });
  t.ok(isErrorBody(form, 415), 'a form body is not understood');
  const badJson = await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"search":' });
  t.ok(isErrorBody(badJson, 400), 'broken JSON is a 400');
});

t.test('each new route has its documented limit (seed 003): the sixth request in a second is a 429', async (t) => {
  const clock = new FakeClock();
  const limited = buildSimulator({ contacts: 10, clock });
  t.teardown(() => limited.app.close());
  const auth = authOf(limited);
  const calls: [string, string, unknown?][] = [
    ['GET', '/v2/space/user'],
    ['GET', '/v2/contact/id:1001/channels'],
    ['PUT', '/v2/contact/id:1001', { lastName: 'Doe' }],
    ['POST', '/v2/contact/id:1001/tag', ['vip']],
    ['DELETE', '/v2/contact/id:1001/tag', ['other']],
    ['POST', '/v2/contact/email:limit.test@example.com', { firstName: 'L' }],
  ];
  for (const [method, url, payload] of calls) {
    const key = endpoints.find((e) => e.method === method && new RegExp(`^/v2${e.route.replace(/:[a-zA-Z]+/g, '[^/]+')}$`).test(url))?.key;
    const spec = endpoints.find((e) => e.key === key);
    t.equal(spec?.documentedLimit, 5, `${method} ${url} → ${key}`);
    const statuses: number[] = [];
    for (let n = 0; n < 6; n += 1) {
      const response = await limited.app.inject({ method: method as 'GET', url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });
      statuses.push(response.statusCode);
    }
    t.equal(statuses.filter((s) => s === 429).length, 1, `${key}: ${statuses.join(',')}`);
    clock.advance(1000);
  }
  t.ok(endpoints.some((e) => e.key === 'DELETE /contact/{identifier}' && e.documentedLimit === 5));
});

t.test('POST /contact/list evaluates filters: tags, contact fields, lifecycle, AND / OR; a bad condition is a 400', async (t) => {
  const list = async (filter: unknown): Promise<number[]> => {
    const response = await sim.app.inject({ method: 'POST', url: '/v2/contact/list?limit=100', headers, payload: { search: '', timezone: 'UTC', filter } });
    t.equal(response.statusCode, 200, JSON.stringify(filter));
    return (response.json() as ListBody).items.map((c) => Number(c.id));
  };
  const newestFirst = [...sim.data.contacts].reverse();
  const idsWhere = (test: (c: (typeof newestFirst)[number]) => boolean): number[] => newestFirst.filter(test).map((c) => c.id);
  const vip = { category: 'contactTag', field: null, operator: 'hasAnyOf', value: ['vip'] };
  const unassigned = { category: 'contactField', field: 'assigneeUserId', operator: 'isEqualTo', value: null };
  const malaysia = { category: 'contactField', field: 'countryCode', operator: 'isEqualTo', value: 'MY' };
  t.same(await list({ $or: [] }), idsWhere(() => true), 'an empty $or is no filter');
  t.same(await list({ $and: [vip] }), idsWhere((c) => (c.tags ?? []).includes('vip')));
  t.same(await list({ $and: [unassigned] }), idsWhere((c) => !c.assignee));
  t.same(await list({ $and: [malaysia, unassigned] }), idsWhere((c) => c.countryCode === 'MY' && !c.assignee));
  t.same(await list({ $or: [vip, malaysia] }), idsWhere((c) => (c.tags ?? []).includes('vip') || c.countryCode === 'MY'));
  t.same(await list({ $and: [{ category: 'lifecycle', field: null, operator: 'isEqualTo', value: 'Customer' }] }), idsWhere((c) => c.lifecycle === 'Customer'));
  t.same(await list({ $and: [{ category: 'contactField', field: 'order_id', operator: 'exists', value: null }] }), idsWhere((c) => (c.custom_fields ?? []).some((f) => f.name === 'order_id' && f.value !== null)), 'a custom field by name');
  t.ok((await list({ $and: [vip] })).length > 0, 'the seed has vip contacts');
  for (const filter of [{ $and: 1 }, { $not: [] }, { $and: [{ category: 'tag', operator: 'hasAnyOf', value: [] }] }, { $and: [{ ...vip, operator: 'isGreaterThan' }] }, { $and: [{ ...malaysia, field: null }] }]) {
    const response = await sim.app.inject({ method: 'POST', url: '/v2/contact/list', headers, payload: { filter } });
    t.ok(isErrorBody(response, 400), `400 for ${JSON.stringify(filter)}: ${response.json<{ message: string }>().message}`);
  }
});
