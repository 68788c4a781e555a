import nock from 'nock';
import t from 'tap';
import { loadPlugin } from '../../connectors/index.js';
import { listContactsBody } from '../../connectors/list-contacts/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

// List Contacts at the network boundary (nock): the body it sends, the pages it follows, and what a page failing
// after rows were yielded leaves. The real client, pagination and error mapping run.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());
const BASE = 'https://api.respond.io';
const plugin = await loadPlugin();
const connectorOptions = () => ({ clock: new FakeClock({ autoAdvance: true }), random: () => 0.5, retryPolicy: { maxAttempts: 2, backoffBaseMs: 1, backoffMaxMs: 1 } });
const run = (rows: unknown[], behavior = 'Do not fail and return response') =>
  plugin.run({ connector: 'list-contacts', rows, connection: { Token: 'tok_list_test' }, settings: { 'Error behavior': behavior }, connectorOptions: connectorOptions() }).collect();

t.test('the body: null Search → "", null Timezone → UTC, no Filters → { $and: [] }; AND / OR conditions mapped', async (t) => {
  t.same(listContactsBody({}), { search: '', timezone: 'UTC', filter: { $and: [] } });
  const condition = { Category: 'contactField' as const, Field: 'email', Operator: 'isEqualTo' as const, Value: 'a@b.c' };
  t.same(listContactsBody({ Search: 'ann', Timezone: 'Asia/Kuala_Lumpur', Filters: { FilterOr: [condition] } }), {
    search: 'ann', timezone: 'Asia/Kuala_Lumpur', filter: { $or: [{ category: 'contactField', field: 'email', operator: 'isEqualTo', value: 'a@b.c' }] },
  });
  const tag = { Category: 'contactTag' as const, Operator: 'hasAnyOf' as const, Value: ['vip'] };
  t.same(listContactsBody({ Filters: { FilterAnd: [tag], FilterOr: [condition] } }).filter, {
    $and: [{ category: 'contactTag', field: null, operator: 'hasAnyOf', value: ['vip'] }],
    $or: [{ category: 'contactField', field: 'email', operator: 'isEqualTo', value: 'a@b.c' }],
  });
});

t.test('every page is followed (limit 99, cursorId from pagination.next) and each contact is one row, in order', async (t) => {
  const scope = nock(BASE)
    .post('/v2/contact/list', { search: '', timezone: 'UTC', filter: { $and: [] } }).query({ limit: '99' })
    .reply(200, { items: [{ id: 3 }, { id: 2 }], pagination: { next: `${BASE}/v2/contact/list?limit=99&cursorId=2` } })
    .post('/v2/contact/list').query({ limit: '99', cursorId: '2' })
    .reply(200, { items: [{ id: 1, firstName: 'Ann' }], pagination: { next: null } });
  const { rows, result } = await run([{}]);
  scope.done();
  t.same(rows.map((row) => row.ID), [3, 2, 1]);
  t.match(rows[2], { StatusCode: 200, Message: null, FirstName: 'Ann' });
  t.equal(result.status, 'succeeded');
});

t.test('a later page failing after its retries: the rows already yielded stay, one error row follows', async (t) => {
  const scope = nock(BASE)
    .post('/v2/contact/list').query({ limit: '99' })
    .reply(200, { items: [{ id: 9 }, { id: 8 }], pagination: { next: `${BASE}/v2/contact/list?cursorId=8` } })
    .post('/v2/contact/list').query({ limit: '99', cursorId: '8' }).times(2)
    .reply(503, 'unavailable');
  const { rows, result } = await run([{ Search: 'x' }]);
  scope.done();
  t.same(rows.map((row) => [row.StatusCode, row.ID]), [[200, 9], [200, 8], [503, null]]);
  t.type(rows[2]?.Message, 'string');
  t.equal(result.status, 'succeeded with errors');
});

t.test('zero contacts: zero rows, and the input row still settles', async (t) => {
  const scope = nock(BASE).post('/v2/contact/list').query({ limit: '99' }).reply(200, { items: [], pagination: { next: null } });
  const { rows, result } = await run([{ Search: 'nobody' }], 'Fail and return response');
  scope.done();
  t.same(rows, []);
  t.equal(result.status, 'succeeded');
  t.equal(result.upstream.requests, 1);
});
