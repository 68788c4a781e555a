import nock from 'nock';
import t from 'tap';
import { createRespondIoClient, type RespondIoClientOptions } from '../../connectors/respond-io/index.js';
import { FOREIGN_HEADROOM } from '../../connectors/respond-io/learned-limits.js';
import { readRateLimitHeaders } from '../../connectors/respond-io/rate-limit-headers.js';
import type { Logger } from '../../runtime/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, BASE_URL, contactBody, TOKEN } from './fixtures.js';

// Header learning at the network boundary: nock sends the headers, the fake clock shows the pace they lead to.
nock.disableNetConnect();
t.afterEach(() => nock.cleanAll());

const CONTACT = 'GET /contact/{identifier}';
const gaps = (times: number[]): number[] => times.slice(1).map((time, i) => time - (times[i] as number));

interface Logged {
  level: string;
  object: object;
  message: string | undefined;
}

function setup(options: Partial<RespondIoClientOptions> = {}) {
  const clock = new FakeClock();
  const logs: Logged[] = [];
  const record = (level: string) => (object: object, message?: string) => logs.push({ level, object, message });
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  // A token of its own per test: the learner remembers per organization × endpoint.
  const client = createRespondIoClient({ token: `${TOKEN}_${Math.floor(clock.now())}_${counter++}`, baseUrl: BASE_URL, clock, logger, ...options });
  const times: number[] = [];
  /** The next `count` answers carry `headers(n)` (n: the request's number, from 0). */
  const serve = (count: number, headers: (n: number) => Record<string, string>): nock.Scope =>
    api().get(/^\/v2\/contact\/id:\d+$/).times(count).reply(() => {
      times.push(clock.now());
      return [200, contactBody, headers(times.length - 1)];
    });
  // Time moves only once every request sent has had its answer read (and learned from) by the client.
  const idle = (): boolean => Object.values(client.stats().byStatus ?? {}).reduce((sum, count) => sum + count, 0) === client.stats().requests;
  /** One call alone (so the next calls start after its answer), then `count` at once; the send times of those. */
  const burst = async (count: number): Promise<number[]> => {
    await clock.run(client.getContact('id:1'), { idle });
    const from = times.length;
    await clock.run(Promise.all(Array.from({ length: count }, (_, n) => client.getContact(`id:${n + 2}`))), { idle });
    return times.slice(from);
  };
  return { client, clock, logs, serve, burst, times };
}
let counter = 0;

t.test('X-RateLimit-Limit above the table is adopted for the endpoint from then on, and said once', async (t) => {
  const { logs, serve, burst } = setup();
  const scope = serve(6, () => ({ 'x-ratelimit-limit': '20' }));
  t.same(gaps(await burst(5)), [50, 50, 50, 50], 'paced at 20/s, not the table’s 10/s');
  const said = logs.filter((entry) => entry.level === 'info');
  t.equal(said.length, 1, 'logged once, not per answer');
  t.match(said[0], { object: { endpoint: CONTACT, limit: 20, before: 10, table: 10 }, message: /allows 20 requests per second/ });
  t.notMatch(JSON.stringify(logs), TOKEN, 'no token in the logs');
  scope.done();
});

t.test('a lower X-RateLimit-Limit slows the endpoint down; back at the table value, the table again', async (t) => {
  const { serve, burst, logs } = setup();
  const lower = serve(4, () => ({ 'x-ratelimit-limit': '4' }));
  t.same(gaps(await burst(3)), [250, 250]);
  lower.done();
  const back = serve(4, () => ({ 'x-ratelimit-limit': '10' }));
  t.same(gaps(await burst(3)), [100, 100]);
  back.done();
  t.same(logs.filter((entry) => entry.level === 'info').map((entry) => (entry.object as { limit: number }).limit), [4, 10], 'each change said once');
});

t.test('garbage, non-positive and absurd rate-limit headers are ignored: the table’s pace, nothing adopted', async (t) => {
  const garbage = ['abc', '0', '-5', '10.5', '1e3', '101', '20, 20', '', '99999999'];
  const { serve, burst, logs } = setup();
  // Remaining is garbage too: text, a sign or a fraction, read as a number, would say someone else spends the budget.
  const remaining = ['x', '-1', '999', '3.5'];
  const scope = serve(garbage.length + 1, (n) => ({ 'x-ratelimit-limit': garbage[n % garbage.length] as string, 'x-ratelimit-remaining': remaining[n % remaining.length] as string }));
  t.same(gaps(await burst(garbage.length)), Array.from({ length: garbage.length - 1 }, () => 100));
  t.same(logs.filter((entry) => entry.level === 'info'), [], 'no change said');
  t.match(logs.find((entry) => entry.level === 'debug' && /X-RateLimit-Limit 101 ignored/.test(entry.message ?? '')), { object: { header: 101, table: 10 } }, 'more than 10 × the table is not believed (and says why at debug level)');
  scope.done();
});

t.test('the header reader takes one plain whole number each', async (t) => {
  t.same(readRateLimitHeaders({ 'x-ratelimit-limit': ' 15 ', 'x-ratelimit-remaining': '0' }), { limit: 15, remaining: 0 });
  t.same(readRateLimitHeaders({ 'x-ratelimit-limit': '0', 'x-ratelimit-remaining': '-1' }), { limit: undefined, remaining: undefined });
  t.same(readRateLimitHeaders({}), { limit: undefined, remaining: undefined });
  t.same(readRateLimitHeaders({ 'x-ratelimit-limit': ['10', '20'] as unknown as string }), { limit: undefined, remaining: undefined }, 'a repeated header is ambiguous');
});

t.test('X-RateLimit-Remaining below our own count: someone else spends 3 of 10, so we pace at what they leave (with headroom)', async (t) => {
  const { serve, burst, times } = setup();
  // The server's window holds our sends of the last second (this one included) plus 3 of someone else's.
  const scope = serve(9, () => {
    const now = times.at(-1) as number;
    return { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': String(10 - 3 - times.filter((at) => at > now - 1000).length) };
  });
  const result = gaps(await burst(8));
  const expected = 1000 / ((10 - 3) * FOREIGN_HEADROOM);
  t.ok(result.every((gap) => Math.abs(gap - expected) < 1e-6), `gaps ${result.map((gap) => gap.toFixed(2)).join(', ')} are 1000 / (7 × ${FOREIGN_HEADROOM}) = ${expected.toFixed(2)} ms`);
  scope.done();
});

t.test('an explicit Rate limits setting wins over X-RateLimit-Limit; rateLimitHeaders: false ignores the headers', async (t) => {
  const explicit = setup({ rateLimits: { [CONTACT]: 5 } });
  const first = explicit.serve(4, () => ({ 'x-ratelimit-limit': '20' }));
  t.same(gaps(await explicit.burst(3)), [200, 200], 'the setting’s 5/s');
  first.done();
  const off = setup({ rateLimitHeaders: false });
  const second = off.serve(4, (n) => ({ 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': String(Math.max(0, 5 - n)) }));
  t.same(gaps(await off.burst(3)), [100, 100], 'the table’s 10/s, whatever the headers say');
  t.same(off.logs, []);
  second.done();
});
