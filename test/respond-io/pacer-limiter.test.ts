import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import t from 'tap';
import type { Clock } from '../../runtime/clock.js';
import { EndpointLimiter, LimiterRegistry, organizationKey } from '../../connectors/respond-io/pacer.js';
import { FakeClock } from '../helpers/fake-clock.js';

// The EndpointLimiter's parts that the client tests only pass through: its log of socket writes, idleSince, the
// abort listeners it leaves on a caller's signal, its single pump, a broken clock; and the registry's keys and idle time.

const START = 10_000;
const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;
/** Every write the log still holds (the log keeps only the last second's). */
const logged = (limiter: EndpointLimiter): number => limiter.sendsWithin(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);

t.test('write log: sendsWithin counts the writes in (from, to]', async (t) => {
  const limiter = new EndpointLimiter(new FakeClock({ start: START }));
  for (const at of [START, START + 500, START + 1000]) limiter.noteSent(at);
  t.equal(limiter.sendsWithin(START, START + 500), 1, 'from is excluded, to included');
  t.equal(limiter.sendsWithin(START, START + 1000), 2);
  t.equal(limiter.sendsWithin(START - 1, START), 1, 'a write exactly at `to` counts');
  t.equal(limiter.sendsWithin(START + 1000, START + 2000), 0, 'a write exactly at `from` does not');
});

t.test('write log: keeps the writes up to one second older than the newest, drops older ones', async (t) => {
  const limiter = new EndpointLimiter(new FakeClock({ start: START }));
  for (const at of [START, START + 600, START + 1200, START + 1800]) limiter.noteSent(at);
  t.equal(logged(limiter), 2, 'the writes at +1200 and +1800 only');
  t.equal(limiter.sendsWithin(START + 1000, START + 2000), 2);
  limiter.noteSent(START + 2200);
  t.equal(logged(limiter), 3, 'a write exactly one second older than the newest is kept');
  t.equal(limiter.sendsWithin(START + 1199, START + 1200), 1);
});

t.test('write log: a note arriving out of order is put in its place and counted', async (t) => {
  const limiter = new EndpointLimiter(new FakeClock({ start: START }));
  limiter.noteSent(START);
  limiter.noteSent(START + 1000);
  limiter.noteSent(START + 999); // written before the previous one, noted after it
  t.equal(limiter.sendsWithin(START - 1, START + 999), 2, 'the write a second before it still counts for it');
  limiter.noteSent(START + 900);
  limiter.noteSent(START + 1950);
  // In order: START + 900 is the oldest left and goes once the newest is more than a second after it.
  t.equal(logged(limiter), 3, 'the out-of-order notes were trimmed in time order');
  t.equal(limiter.sendsWithin(START + 949, START + 1950), 3);
  t.equal(limiter.idleSince(), START + 1950, 'an older note never moves the last write back');
  limiter.noteSent(START + 1500);
  t.equal(limiter.idleSince(), START + 1950);
});

t.test('write log: spacing counts from the latest write, not the last note', async (t) => {
  const clock = new FakeClock({ start: START });
  const limiter = new EndpointLimiter(clock);
  limiter.noteSent(START + 500);
  limiter.noteSent(START + 300);
  t.equal(await clock.run(limiter.acquire(100).then(() => clock.now())), START + 600);
});

t.test('idleSince: undefined while a waiter waits, while the pump sleeps, while paused; else the latest event', async (t) => {
  const clock = new FakeClock({ start: START });
  const limiter = new EndpointLimiter(clock);
  t.equal(limiter.idleSince(), START, 'idle since it was created');
  await limiter.acquire(100);
  const controller = new AbortController();
  const queued = limiter.acquire(100, controller.signal);
  t.equal(limiter.idleSince(), undefined, 'a waiter is queued');
  controller.abort(new Error('row cancelled'));
  await t.rejects(queued);
  t.equal(limiter.waiting, 0);
  t.equal(limiter.idleSince(), undefined, 'the pump still sleeps until the slot the waiter left');
  await clock.advance(100);
  t.equal(limiter.idleSince(), START, 'then idle since the last send');
  limiter.noteSent(START + 150);
  t.equal(limiter.idleSince(), START + 150, 'the latest write');
  limiter.pauseUntil(START + 1000);
  t.equal(limiter.idleSince(), undefined, 'a pause is running');
  await clock.advance(900);
  t.equal(limiter.idleSince(), START + 1000, 'idle since the pause ended');
});

t.test('abort listeners: none is left on the signal once the waiter is served or aborted', async (t) => {
  const clock = new FakeClock({ start: START });
  const limiter = new EndpointLimiter(clock);
  const signal = new AbortController().signal;
  await limiter.acquire(100, signal);
  t.equal(listeners(signal), 0, 'served at once');
  const served = limiter.acquire(100, signal);
  t.equal(listeners(signal), 1, 'listens while queued');
  await clock.run(served);
  t.equal(listeners(signal), 0, 'served after a wait');
  const controller = new AbortController();
  const aborted = limiter.acquire(100, controller.signal);
  controller.abort(new Error('row cancelled'));
  await t.rejects(aborted, { message: 'row cancelled' });
  t.equal(listeners(controller.signal), 0, 'aborted');
});

t.test('the pump: one sleep per limiter, however many waiters', async (t) => {
  const clock = new FakeClock({ start: START });
  const limiter = new EndpointLimiter(clock);
  await limiter.acquire(100);
  const times: number[] = [];
  const all = Promise.all([0, 1, 2].map(() => limiter.acquire(100).then(() => times.push(clock.now()))));
  t.equal(clock.pending, 1, 'one pump sleeps for the head; the others wait behind it');
  await clock.run(all);
  t.same(times, [START + 100, START + 200, START + 300]);
  t.same(clock.requested, [100, 100, 100]);
});

t.test('a broken clock fails the waiters instead of leaving them hanging; the limiter works again after', async (t) => {
  const fake = new FakeClock({ start: START });
  let broken = true;
  const clock: Clock = { now: () => fake.now(), sleep: (ms, signal) => (broken ? Promise.reject(new Error('the clock broke')) : fake.sleep(ms, signal)) };
  const limiter = new EndpointLimiter(clock);
  await limiter.acquire(100);
  const signal = new AbortController().signal;
  const outcomes: string[] = [];
  [limiter.acquire(100, signal), limiter.acquire(100)].forEach((waiter) => void waiter.then(() => outcomes.push('granted'), (error: Error) => outcomes.push(error.message)));
  await new Promise(setImmediate); // one event-loop turn: the rejected sleep has been handled
  t.same(outcomes, ['the clock broke', 'the clock broke'], 'both waiters failed');
  t.equal(limiter.waiting, 0);
  t.equal(listeners(signal), 0, 'the failed waiter left no listener');
  broken = false;
  t.equal(await fake.run(limiter.acquire(100).then(() => fake.now())), START + 100, 'a later caller is paced again');
});

t.test('organizationKey: a hash of the token, or the explicit Organization shared by its tokens; per origin', async (t) => {
  const url = 'https://api.respond.io/v2';
  const token = 'tok_FAKE_pacer_units_51f0';
  const hashed = organizationKey(token, url);
  t.notMatch(hashed, token, 'never the token');
  t.not(hashed, organizationKey('tok_FAKE_pacer_units_other', url), 'another token, another key');
  const acme = organizationKey(token, url, 'Acme');
  t.equal(acme, organizationKey('tok_FAKE_pacer_units_other', url, 'Acme'), 'two tokens of one Organization share its key');
  t.not(acme, hashed, 'the Organization, not the token');
  t.notMatch(acme, token);
  t.not(acme, organizationKey(token, url, 'Globex'), 'two Organizations, two keys');
  const digest = createHash('sha256').update(token).digest('hex');
  t.not(organizationKey('tok_FAKE_pacer_units_other', url, digest), hashed, 'an Organization named like a token hash is not that token');
  t.not(acme, organizationKey(token, 'http://127.0.0.1:4010', 'Acme'), 'the origin counts');
});

t.test('the registry forgets a limiter idle for 10 minutes by default, not one idle a millisecond less', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const registry = new LimiterRegistry(clock);
  const old = registry.limiter('org-old', 'E');
  await clock.advance(1);
  const young = registry.limiter('org-young', 'E');
  await clock.advance(5 * 60_000 - 1);
  t.equal(registry.limiter('org-old', 'E'), old, 'kept after 5 minutes');
  await clock.advance(5 * 60_000);
  t.equal(registry.limiter('org-young', 'E'), young, 'idle 10 minutes less 1 ms: kept');
  t.not(registry.limiter('org-old', 'E'), old, 'idle 10 minutes: forgotten');
});
