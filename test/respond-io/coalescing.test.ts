import nock from 'nock';
import t from 'tap';
import { createRespondIoClient } from '../../connectors/respond-io/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, BASE_URL, contactBody, failure, notFound, TOKEN } from './fixtures.js';

// Coalescing is seen at the network boundary: nock counts the requests that really left.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());

const listContacts = 'POST /contact/list';

t.test('three rows asking for the same contact at once share one request; each gets its own copy', async (t) => {
  const clock = new FakeClock();
  const scope = api().get('/v2/contact/id:1').once().reply(200, contactBody).get('/v2/contact/id:2').once().reply(200, { ...contactBody, id: 2 });
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const answers = await clock.run(Promise.all([client.getContact('id:1'), client.getContact('id:1'), client.getContact('id:2'), client.getContact('id:1')]));
  t.same(answers[0], contactBody);
  t.same(answers[1], contactBody);
  t.same(answers[3], contactBody);
  t.equal((answers[2] as { id: number }).id, 2);
  t.not(answers[0], answers[1], 'not the same object');
  (answers[0] as { tags: string[] }).tags.push('changed by row 1');
  t.same((answers[1] as { tags: string[] }).tags, contactBody.tags, 'a change by one row is not seen by another');
  t.same(client.stats().requests, 2, 'the run counts the requests it made, not the rows');
  t.same(client.stats().byStatus, { 200: 2 });
  scope.done();
});

t.test('only in flight: a row asking after the answer came asks again', async (t) => {
  const scope = api().get('/v2/contact/id:1').twice().reply(200, contactBody);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock: new FakeClock({ autoAdvance: true }) });
  await client.getContact('id:1');
  await client.getContact('id:1');
  t.equal(client.stats().requests, 2);
  scope.done();
});

t.test('a shared failure reaches every waiter as its own error, mapped the same', async (t) => {
  const clock = new FakeClock();
  const scope = api().get('/v2/contact/id:9').once().reply(404, notFound);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const errors = await clock.run(Promise.all([failure(client.getContact('id:9')), failure(client.getContact('id:9'))]));
  for (const error of errors) t.match(error, { code: 'RC_UPSTREAM_HTTP_ERROR', statusCode: 404, message: 'Contact not found' });
  t.not(errors[0], errors[1], 'two error objects');
  t.equal(Object.getPrototypeOf(errors[0]), Object.getPrototypeOf(errors[1]), 'of the same class');
  t.equal(client.stats().requests, 1);
  scope.done();
});

t.test('one waiter cancelled: the others still get the answer of the one request', async (t) => {
  const clock = new FakeClock();
  // id:0 takes the first slot, so the id:1 rows wait in the pacer's queue (10/s) when one of them is cancelled.
  const scope = api().get('/v2/contact/id:0').reply(200, contactBody).get('/v2/contact/id:1').once().reply(200, contactBody);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const first = client.getContact('id:0');
  const controller = new AbortController();
  const cancelled = failure(client.getContact('id:1', controller.signal));
  const kept = client.getContact('id:1');
  controller.abort(new Error('row 2 cancelled'));
  t.match(await cancelled, { code: 'RC_ABORTED', statusCode: 500, message: /row 2 cancelled/ });
  t.same(await clock.run(Promise.all([first, kept])), [contactBody, contactBody]);
  t.equal(client.stats().requests, 2);
  scope.done();
});

t.test('every waiter cancelled: the shared request is cancelled too, and a later row asks anew', async (t) => {
  const clock = new FakeClock();
  const scope = api().get('/v2/contact/id:0').reply(200, contactBody).get('/v2/contact/id:1').once().reply(200, contactBody);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  const first = client.getContact('id:0');
  const controllers = [new AbortController(), new AbortController()];
  const cancelled = controllers.map((controller) => failure(client.getContact('id:1', controller.signal)));
  for (const controller of controllers) controller.abort(new Error('run stopped'));
  for (const error of await Promise.all(cancelled)) t.match(error, { code: 'RC_ABORTED', message: /run stopped/ });
  await clock.run(first);
  // Past the slot the shared request had in the queue: had it not been cancelled, it would have left by now.
  await clock.advance(1000);
  t.equal(client.stats().requests, 1, 'the cancelled GET never left');
  t.same(await clock.run(client.getContact('id:1')), contactBody, 'a new row is not joined to the cancelled request');
  t.equal(client.stats().requests, 2);
  scope.done();
});

t.test('never a POST; never across tokens; never with coalesce: false', async (t) => {
  const clock = new FakeClock();
  const scope = api()
    .post('/v2/contact/list').twice().reply(200, { items: [], pagination: {} })
    .get('/v2/contact/id:1').times(4).reply(200, contactBody);
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock, rateLimits: { [listContacts]: 100 } });
  const other = createRespondIoClient({ token: 'tok_FAKE_other_org_000', baseUrl: BASE_URL, clock });
  const plain = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock, coalesce: false });
  await clock.run(Promise.all([client.request(listContacts, { body: { search: 'a' } }), client.request(listContacts, { body: { search: 'a' } })]));
  t.equal(client.stats().requests, 2, 'two identical POSTs are two requests');
  await clock.run(Promise.all([client.getContact('id:1'), other.getContact('id:1')]));
  t.equal(other.stats().requests, 1, 'another token asks for itself');
  await clock.run(Promise.all([plain.getContact('id:1'), plain.getContact('id:1')]));
  t.equal(plain.stats().requests, 2, 'coalesce: false sends one request per row');
  scope.done();
});

t.test('the same query in another order is the same request; another query is not', async (t) => {
  const clock = new FakeClock();
  const endpoint = { method: 'GET', path: '/space/user', idempotent: true } as const;
  const scope = api()
    .get('/v2/space/user').query({ a: '1', b: '2' }).once().reply(200, { items: [] })
    .get('/v2/space/user').query({ a: '1', b: '3' }).once().reply(200, { items: [] });
  const client = createRespondIoClient({ token: TOKEN, baseUrl: BASE_URL, clock });
  await clock.run(Promise.all([client.call(endpoint, { query: { a: 1, b: 2 } }), client.call(endpoint, { query: { b: 2, a: 1 } }), client.call(endpoint, { query: { a: 1, b: 3 } })]));
  t.equal(client.stats().requests, 2);
  scope.done();
});
