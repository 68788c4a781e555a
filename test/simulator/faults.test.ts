import t from 'tap';
import { buildSimulator, parseFaultSpec, SimulatorOptionError, type FaultOptions, type Simulator } from '../../simulator/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { authOf, isErrorBody } from './helpers.js';

/** The answer to a request as a short label: status, or 'reset' when the connection was dropped. */
async function outcome(sim: Simulator, url: string): Promise<string> {
  try {
    const res = await sim.app.inject({ url, headers: authOf(sim) });
    return String(res.statusCode);
  } catch (error) {
    return (error as { code?: string }).code === 'LIGHT_ECONNRESET' ? 'reset' : `error ${(error as Error).message}`;
  }
}

const transient: FaultOptions = { rate: 0.3, kinds: ['500', '502', '503', '504', 'reset', 'truncated', '429'] };

async function outcomes(seed: number, faults: FaultOptions): Promise<string[]> {
  const clock = new FakeClock();
  const sim = buildSimulator({ seed, faults, limits: false, contacts: 100, clock });
  const ids = sim.data.contacts.map((c) => c.id);
  const seen: string[] = [];
  // Each contact twice: the second ask of a URL draws afresh (a retry may succeed).
  for (const id of [...ids, ...ids]) {
    seen.push(await outcome(sim, `/v2/contact/id:${id}`));
    await clock.advance(500); // a '429' fault throttles the endpoint for 1000 ms (burstMs)
  }
  await sim.app.close();
  return seen;
}

t.test('same seed → the same faults on the same requests; another seed → others', async (t) => {
  const first = await outcomes(7, transient);
  const again = await outcomes(7, transient);
  t.same(again, first, 'reproducible');
  t.notSame(await outcomes(8, transient), first, 'the seed matters');
  const faulty = first.filter((o) => o !== '200').length;
  t.ok(faulty > 20 && faulty < 110, `about 30 % of 200 requests meet a fault (${faulty})`);
  for (const kind of ['500', '502', '503', '504', 'reset', '429']) t.ok(first.includes(kind), `the mix includes ${kind}`);
  t.same(await outcomes(7, { rate: 0 }), Array(200).fill('200'), 'rate 0: no faults');
});

t.test('each fault kind looks like the real thing', async (t) => {
  const one = (kind: NonNullable<FaultOptions['kinds']>[number], extra: Partial<FaultOptions> = {}, clock = new FakeClock()): Simulator => {
    const sim = buildSimulator({ faults: { rate: 1, kinds: [kind], ...extra }, limits: false, contacts: 5, clock });
    t.teardown(() => sim.app.close());
    return sim;
  };
  const url = '/v2/contact/id:1001';
  const get = (sim: Simulator) => sim.app.inject({ url, headers: authOf(sim) });

  t.ok(isErrorBody(await get(one('500')), 500), '500: { code, message }');
  t.ok(isErrorBody(await get(one('503')), 503), '503: { code, message }');
  const gateway = await get(one('502'));
  t.equal(gateway.statusCode, 502);
  t.match(gateway.headers['content-type'], /text\/html/);
  t.match(gateway.body, /<html>.*502 Bad Gateway/s, '502: an HTML page from the gateway');
  const timeout = await get(one('504'));
  t.equal(timeout.statusCode, 504);
  t.equal(timeout.body, '', '504: empty body');

  const resetSim = one('reset');
  await t.rejects(get(resetSim), { code: 'LIGHT_ECONNRESET' }, 'reset: the connection drops without an answer');
  t.same(resetSim.stats.endpoints['GET /contact/{identifier}']?.byStatus, { reset: 1 });
  t.equal(resetSim.stats.log[0]?.status, 0);

  const cut = await get(one('truncated'));
  t.equal(cut.statusCode, 200);
  t.throws(() => JSON.parse(cut.body), SyntaxError, 'truncated: a 200 whose JSON does not parse');
  t.equal(Number(cut.headers['content-length']), Buffer.byteLength(cut.body), 'the length header matches what was sent');
  const unauthorized = await one('500').app.inject({ url, headers: { authorization: 'Bearer not-the-token' } });
  t.ok(isErrorBody(unauthorized, 401), 'faults come after auth');

  const burstClock = new FakeClock({ start: 0 });
  const burst = one('429', { burstMs: 3000 }, burstClock);
  const first = await get(burst);
  t.ok(isErrorBody(first, 429));
  t.equal(first.headers['retry-after'], '3', '429 fault: Retry-After covers the burst');
  await burstClock.advance(1000);
  t.equal((await get(burst)).headers['retry-after'], '2', 'the burst throttles the endpoint until it ends');
  t.equal(burst.stats.endpoints['GET /contact/{identifier}']?.faults['429'], 2);
  t.equal(burst.stats.endpoints['GET /contact/{identifier}']?.rateLimited, 0, 'not counted as the client going over the limit');

  const slowClock = new FakeClock({ start: 0 });
  const slow = one('slow', { slowMs: 5000 }, slowClock);
  let done = false;
  const pending = get(slow).finally(() => (done = true));
  await slowClock.until(() => slowClock.pending > 0);
  await slowClock.advance(4999);
  t.notOk(done, 'slow: no answer before slowMs');
  await slowClock.advance(1);
  t.equal((await pending).statusCode, 200, 'slow: the real answer, late');
});

t.test('added latency waits on the injected clock, deterministically within [min, max]', async (t) => {
  const clock = new FakeClock({ start: 0 });
  const sim = buildSimulator({ latencyMs: [20, 80], limits: false, contacts: 5, clock });
  t.teardown(() => sim.app.close());
  let done = false;
  const pending = sim.app.inject({ url: '/v2/contact/id:1001', headers: authOf(sim) }).finally(() => (done = true));
  await clock.until(() => clock.pending > 0);
  const wait = clock.requested.at(-1) ?? -1;
  t.ok(wait >= 20 && wait <= 80, `latency ${wait} ms in range`);
  await clock.advance(wait - 1);
  t.notOk(done);
  await clock.advance(1);
  t.equal((await pending).statusCode, 200);
});

t.test('closing the app drops requests held by latency or slow faults instead of waiting for them', async (t) => {
  const clock = new FakeClock();
  const sim = buildSimulator({ faults: { rate: 1, kinds: ['slow'], slowMs: 3_600_000 }, limits: false, contacts: 5, clock });
  const pending = sim.app.inject({ url: '/v2/contact/id:1001', headers: authOf(sim) });
  await clock.until(() => clock.pending > 0);
  await sim.app.close();
  await t.rejects(pending, { code: 'LIGHT_ECONNRESET' });
});

t.test('parseFaultSpec reads the CLI string', async (t) => {
  t.same(parseFaultSpec('rate=0.2,kinds=500+502+503+504+reset+slow+truncated+429,latency=20-80,slowMs=20000'), {
    faults: { rate: 0.2, kinds: ['500', '502', '503', '504', 'reset', 'slow', 'truncated', '429'], slowMs: 20000 },
    latencyMs: [20, 80],
  });
  t.same(parseFaultSpec('rate=0.05'), { faults: { rate: 0.05, kinds: ['500', '502', '503', '504', 'reset'] } }, 'default kinds: transient errors');
  t.same(parseFaultSpec(' rate = 1 , kinds = all , latency = 30 , burstMs = 500 ').latencyMs, [30, 30]);
  t.equal(parseFaultSpec('rate=1,kinds=all').faults.kinds?.length, 8);
  for (const off of ['', 'none', 'off']) t.same(parseFaultSpec(off), { faults: { rate: 0 } }, `"${off}"`);

  const errors: Array<[string, RegExp]> = [
    ['kinds=500', /"rate" is required/],
    ['rate=1.5', /rate must be a number from 0 to 1, got "1.5"/],
    ['rate=abc', /rate must be a number from 0 to 1/],
    ['rate=0.1,kinds=500+600', /unknown fault kind "600" \(expected 500, 502, 503, 504, reset, slow, truncated, 429 or all\)/],
    ['rate=0.1,latency=80-20', /maximum below its minimum/],
    ['rate=0.1,latency=fast', /latency must be N or MIN-MAX in ms, got "fast"/],
    ['rate=0.1,slowMs=0', /slowMs must be a positive integer \(ms\), got "0"/],
    ['rate=0.1,speed=2', /unknown key "speed" \(expected rate, kinds, latency, slowMs, burstMs\)/],
    ['rate=0.1,rate=0.2', /"rate" is given twice/],
    ['rate', /"rate" is not key=value/],
    ['rate=', /"rate" has no value/],
  ];
  for (const [text, message] of errors) {
    t.throws(() => parseFaultSpec(text), { name: 'FaultSpecError', message }, text);
    t.throws(() => parseFaultSpec(text), /Example: rate=0\.2,kinds=/, 'errors show an example');
  }
});

t.test('fault options are validated when the simulator is built', async (t) => {
  t.throws(() => buildSimulator({ faults: { rate: 2 } }), new SimulatorOptionError('option faults.rate must be a number from 0 to 1, got 2'));
  t.throws(() => buildSimulator({ faults: { rate: 0.1, kinds: ['404' as never] } }), /option faults.kinds: unknown kind "404"/);
  t.throws(() => buildSimulator({ latencyMs: [50, 10] }), /option latencyMs\[1\] must be an integer from 50/);
  t.throws(() => buildSimulator({ faults: { rate: 0.1, slowMs: -1 } }), /option faults.slowMs must be an integer from 1/);
});
