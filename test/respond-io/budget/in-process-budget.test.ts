import t from 'tap';
import { InProcessRateBudget } from '../../../connectors/respond-io/budget/in-process-budget.js';
import { LimiterRegistry, sharedLimiter } from '../../../connectors/respond-io/pacer.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const E = 'GET /contact/{identifier}';

t.test('registry: a limiter idle for idleMs is forgotten; one with a waiter or a running pause is kept', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const registry = new LimiterRegistry(clock, 1000);
  const idle = registry.limiter('org-idle', E);
  await idle.acquire(100);
  const busy = registry.limiter('org-busy', E);
  await busy.acquire(100);
  const queued = busy.acquire(5000).then(() => clock.now());
  const paused = registry.limiter('org-paused', E);
  paused.pauseUntil(4000);
  t.equal(registry.limiter('org-idle', E), idle, 'the same limiter while it is in use');
  t.equal(registry.size, 3);

  await clock.advance(2000);
  registry.limiter('org-new', E); // any look-up sweeps
  t.equal(registry.size, 3, 'the idle one is gone; the busy, the paused and the new one stay');
  t.equal(registry.limiter('org-busy', E), busy, 'a limiter with a waiter is kept');
  t.equal(registry.limiter('org-paused', E), paused, 'a paused limiter is kept: its pause must hold');
  const successor = registry.limiter('org-idle', E);
  t.not(successor, idle, 'the idle organization gets a new limiter');
  t.equal(await clock.run(successor.acquire(100).then(() => clock.now())), 2000, 'which lets the first caller through at once, as the old one would have');
  t.equal(await clock.run(queued), 5000, 'the waiter of the kept limiter is let through at its time');

  await clock.advance(5000);
  registry.limiter('org-new', E);
  t.equal(registry.size, 1, 'once idle, the busy and paused ones go too');
});

t.test('registry: a host that sees many organizations keeps only the recent ones', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const registry = new LimiterRegistry(clock, 1000);
  let largest = 0;
  for (let n = 0; n < 500; n++) {
    await clock.run(registry.limiter(`org-${n}`, E).acquire(100));
    await clock.advance(100);
    largest = Math.max(largest, registry.size);
  }
  t.ok(largest <= 16, `at most ~1.5 × idleMs / 100 ms limiters alive at once (largest ${largest}), not 500`);
});

t.test('in-process budget: the pacer behind the RateBudget interface, shared with the clients on the same clock', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const budget = new InProcessRateBudget(clock);
  const endpoint = budget.endpoint('org', E);
  const times: number[] = [];
  const tickets = await clock.run(Promise.all([0, 1, 2].map(() => endpoint.acquire(10).then(() => endpoint.gate(10)).then((ticket) => (times.push(clock.now()), ticket)))));
  t.same(times, [0, 100, 200], '10/s: 100 ms apart; the gate adds nothing');
  t.equal(await clock.run(sharedLimiter(clock, 'org', E).acquire(100).then(() => clock.now())), 300, 'a client on the same clock queues behind the budget');
  tickets[2]?.noteSent(350);
  t.equal(await clock.run(endpoint.acquire(10).then(() => clock.now())), 450, 'spacing counts from noteSent');
  await endpoint.penalize(2000);
  t.equal(await endpoint.pauseRemainingMs(), 2000, 'a 429 pauses the endpoint');
  t.equal(await budget.endpoint('org', 'POST /contact/list').pauseRemainingMs(), 0, 'not the others');
  const controller = new AbortController();
  controller.abort(new Error('row cancelled'));
  await t.rejects(endpoint.gate(10, controller.signal), { message: 'row cancelled' });
  await t.rejects(endpoint.acquire(10, controller.signal), { message: 'row cancelled' });
  await budget.close();
});

t.test('in-process budget: a ticket counts the sends written in the second up to its own, itself included', async (t) => {
  const clock = new FakeClock({ start: 10_000 });
  const endpoint = new InProcessRateBudget(clock, new LimiterRegistry(clock)).endpoint('org', E);
  const earlier = [await endpoint.gate(10), await endpoint.gate(10), await endpoint.gate(10)];
  [10_000, 10_001, 10_500].forEach((at, i) => earlier[i]?.noteSent(at));
  const ticket = await endpoint.gate(10);
  t.equal(ticket.windowCount?.(), undefined, 'not known before its send');
  ticket.noteSent(11_000);
  t.equal(ticket.windowCount?.(), 3, 'the sends at 10 001, 10 500 and its own at 11 000; not the one at 10 000, a second before');
  const later = await endpoint.gate(10);
  later.noteSent(11_200);
  t.equal(ticket.windowCount?.(), 3, 'counted at its socket write: a later send does not change it');
  t.equal(later.windowCount?.(), 3, '10 500, 11 000, 11 200');
});
