import t from 'tap';
import { buildSimulator, SimulatorOptionError } from '../../simulator/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { authOf } from './helpers.js';

const CONTACT = 'GET /contact/{identifier}';

// Shares that make whole-millisecond paces (0.2 × 10/s = one take every 500 ms), so no window edge rests on a
// floating-point sum.
t.test('a foreign consumer spending 20 % of 10/s leaves our client 8 slots a second, and says so in the headers', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const sim = buildSimulator({ clock, contacts: 20, limits: { [CONTACT]: 10 }, foreignConsumer: { [CONTACT]: 0.2 } });
  t.teardown(() => sim.app.close());
  await sim.app.ready();
  const headers = authOf(sim);
  const url = `/v2/contact/id:${sim.data.contacts[0]?.id}`;

  await clock.advance(1000);
  t.same(sim.stats.foreign[CONTACT], { accepted: 2, refused: 0 }, 'it took 2 slots in the first second (at 500 and 1000 ms)');
  const statuses: number[] = [];
  const remaining: string[] = [];
  for (let i = 0; i < 9; i++) {
    const res = await sim.app.inject({ url, headers });
    statuses.push(res.statusCode);
    remaining.push(String(res.headers['x-ratelimit-remaining']));
    t.equal(res.headers['x-ratelimit-limit'], '10', `answer ${i + 1} carries X-RateLimit-Limit`);
  }
  t.same(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429], 'the client got 8, the 9th is refused');
  t.same(remaining, ['7', '6', '5', '4', '3', '2', '1', '0', '0'], 'X-RateLimit-Remaining counts the foreign takes too');
  t.equal(sim.stats.endpoints[CONTACT]?.requests, 9, 'the client’s counts hold only its own requests');
  t.equal(sim.stats.endpoints[CONTACT]?.rateLimited, 1);
  const other = await sim.app.inject({ url: '/v2/contact/id:1/message/1', headers });
  t.equal(other.headers['x-ratelimit-remaining'], '14', 'another endpoint is untouched');
});

t.test('when the window is full its take is refused (it does not queue); it stops when the app closes', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const sim = buildSimulator({ clock, contacts: 5, foreignConsumer: { [CONTACT]: 0.2 } });
  await sim.app.ready();
  const headers = authOf(sim);
  for (let i = 0; i < 10; i++) t.equal((await sim.app.inject({ url: `/v2/contact/id:${sim.data.contacts[0]?.id}`, headers })).statusCode, 200);
  await clock.advance(1000);
  t.same(sim.stats.foreign[CONTACT], { accepted: 1, refused: 1 }, 'documented 10/s, all 10 taken at 0 ms: refused at 500, accepted at 1000');
  t.equal(clock.pending, 1, 'one loop waiting');
  await sim.app.close();
  t.equal(clock.pending, 0, 'no loop left after close');
});

t.test('bad foreignConsumer options are refused with the option named', async (t) => {
  const bad = (foreignConsumer: unknown, limits?: false) => () => buildSimulator({ contacts: 1, ...(limits === false ? { limits } : {}), foreignConsumer: foreignConsumer as Record<string, number> });
  t.throws(bad({ [CONTACT]: 0 }), new SimulatorOptionError(`option foreignConsumer["${CONTACT}"] must be a share of the limit between 0 and 1 (exclusive), got 0`));
  t.throws(bad({ [CONTACT]: 1 }), { message: /between 0 and 1 \(exclusive\), got 1$/ });
  t.throws(bad({ [CONTACT]: '0.3' }), { message: /got "0.3"$/ });
  t.throws(bad({ 'GET /nope': 0.3 }), { message: /option foreignConsumer: unknown endpoint "GET \/nope"/ });
  t.throws(bad({ [CONTACT]: 0.3 }, false), { message: /needs rate limits/ });
  t.throws(bad(0.3), { message: /must be an object of endpoint → share/ });
});
