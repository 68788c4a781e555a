import { Redis } from 'ioredis';
import t from 'tap';
import { endpointKeys } from '../../../connectors/respond-io/budget/redis-keys.js';
import { GATE_ADMITTED, GATE_PAUSED, GATE_WINDOW_FULL, gateScript, penalizeScript, reserveScript, restampScript } from '../../../connectors/respond-io/budget/redis-scripts.js';
import { startRedisServer } from '../../helpers/redis-server.js';

// The Lua scripts against a real redis-server. The waits they return are on Redis time, so each assertion bounds
// them by what Redis's own TIME says elapsed between the calls (read with the same command): never by a sleep.
interface Scripts {
  rbReserve(tat: string, penalty: string, intervalUs: number, idleMs: number): Promise<number>;
  rbGate(log: string, penalty: string, limit: number, windowUs: number, member: string, idleMs: number): Promise<[number, number, number?]>;
  rbPenalize(penalty: string, ms: number): Promise<number>;
  rbRestamp(log: string, member: string, sentUs: string): Promise<number>;
}

const server = await startRedisServer();
const redis = new Redis(server.url);
redis.defineCommand('rbReserve', { numberOfKeys: 2, lua: reserveScript });
redis.defineCommand('rbGate', { numberOfKeys: 2, lua: gateScript });
redis.defineCommand('rbPenalize', { numberOfKeys: 1, lua: penalizeScript });
redis.defineCommand('rbRestamp', { numberOfKeys: 1, lua: restampScript });
const scripts = redis as unknown as Scripts;
t.teardown(async () => {
  redis.disconnect();
  await server.stop();
});

const redisNowUs = async (): Promise<number> => {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1_000_000 + Number(micros);
};

let n = 0;
const freshKeys = () => endpointKeys(`org-${n++}`, 'GET /contact/{identifier}');

/** `step`'s answer, and how much Redis time went by around it (ms): every bound below allows for that much delay. */
async function timed<T>(step: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const before = await redisNowUs();
  const value = await step();
  return { value, elapsedMs: ((await redisNowUs()) - before) / 1000 };
}

// Intervals of seconds, so that even on a loaded machine the calls of one test come well within one interval
// (tat stays ahead of now): the arithmetic is then exact.
const LONG_INTERVAL_US = 10_000_000;

t.test('reserve: back-to-back callers get slots one interval apart on Redis time; tat moves exactly one interval each', async (t) => {
  const keys = freshKeys();
  const waits: number[] = [];
  const tats: number[] = [];
  const { elapsedMs } = await timed(async () => {
    for (let i = 0; i < 5; i++) {
      waits.push(await scripts.rbReserve(keys.tat, keys.penalty, LONG_INTERVAL_US, 60_000));
      tats.push(Number(await redis.get(keys.tat)));
    }
  });
  t.equal(waits[0], 0, 'the first caller goes at once');
  t.same(tats.slice(1).map((tat, i) => tat - (tats[i] as number)), [LONG_INTERVAL_US, LONG_INTERVAL_US, LONG_INTERVAL_US, LONG_INTERVAL_US], 'each reservation moves tat by one interval');
  waits.forEach((wait, i) => {
    if (i === 0) return;
    t.ok(wait <= i * LONG_INTERVAL_US && wait >= i * LONG_INTERVAL_US - elapsedMs * 1000, `caller ${i} waits ${wait} µs: i × interval minus the Redis time gone by (${elapsedMs} ms)`);
  });
});

t.test('gate: admits `limit` sends in the window, then refuses with the wait until the oldest leaves', async (t) => {
  const keys = freshKeys();
  const windowUs = 1_015_000;
  const before = await redisNowUs();
  for (let i = 0; i < 3; i++) t.match(await scripts.rbGate(keys.log, keys.penalty, 3, windowUs, `m${i}`, 60_000), [GATE_ADMITTED, 0, Number], `send ${i + 1} of 3 admitted`);
  const [status, waitUs] = await scripts.rbGate(keys.log, keys.penalty, 3, windowUs, 'm3', 60_000);
  const elapsed = (await redisNowUs()) - before;
  t.equal(status, GATE_WINDOW_FULL, 'the 4th is refused');
  t.ok(waitUs <= windowUs && waitUs >= windowUs - elapsed, `it waits ${waitUs} µs: the window minus the time since the first send (≤ ${elapsed} µs)`);
  t.equal(await redis.zcard(keys.log), 3, 'a refused send takes no place in the log');
  const [lowered] = await scripts.rbGate(keys.log, keys.penalty, 2, windowUs, 'm4', 60_000);
  t.equal(lowered, GATE_WINDOW_FULL, 'a caller with a lower limit is refused too');
  t.match(await scripts.rbGate(keys.log, keys.penalty, 4, windowUs, 'm5', 60_000), [GATE_ADMITTED, 0], 'one whose organization has a higher limit is admitted');
});

t.test('gate: entries older than the window leave it', async (t) => {
  const keys = freshKeys();
  const old = (await redisNowUs()) - 1_100_000;
  await redis.zadd(keys.log, old, 'old-1', old + 1, 'old-2');
  t.match(await scripts.rbGate(keys.log, keys.penalty, 1, 1_015_000, 'new', 60_000), [GATE_ADMITTED, 0], 'sends of 1.1 s ago no longer count');
  t.same(await redis.zrange(keys.log, '0', '-1'), ['new'], 'and are removed');
});

t.test('gate answers Redis time on admission; restamp moves the send to its socket write: later only, never re-adds', async (t) => {
  const keys = freshKeys();
  const before = await redisNowUs();
  const admittedUs = Number((await scripts.rbGate(keys.log, keys.penalty, 5, 1_015_000, 'sent', 60_000))[2]);
  t.ok(admittedUs >= before && admittedUs <= (await redisNowUs()), 'the admission time is Redis TIME in µs');
  t.equal(Number(await redis.zscore(keys.log, 'sent')), admittedUs, 'and the log holds it');
  await scripts.rbRestamp(keys.log, 'sent', String(admittedUs + 40_000));
  t.equal(Number(await redis.zscore(keys.log, 'sent')), admittedUs + 40_000, 'written 40 ms after admission: counted from then');
  await scripts.rbRestamp(keys.log, 'sent', String(admittedUs + 10_000));
  t.equal(Number(await redis.zscore(keys.log, 'sent')), admittedUs + 40_000, 'never moved earlier');
  await scripts.rbRestamp(keys.log, 'gone', String(admittedUs));
  t.equal(await redis.zscore(keys.log, 'gone'), null, 'a send no longer in the log (expired, Redis restarted) is not added back');
});

t.test('penalty: a 429 pause holds both scripts; a shorter one does not shorten it', async (t) => {
  const keys = freshKeys();
  const before = await redisNowUs();
  const { value: [set, kept, pttl], elapsedMs } = await timed(async () => [await scripts.rbPenalize(keys.penalty, 2000), await scripts.rbPenalize(keys.penalty, 500), await redis.pttl(keys.penalty)]);
  t.equal(set, 2000);
  t.ok(kept as number <= 2000 && (kept as number) >= 2000 - elapsedMs - 1, `a shorter penalty keeps the ~2000 ms pause (${kept})`);
  t.ok(pttl as number <= 2000 && (pttl as number) >= 2000 - elapsedMs - 1, `PTTL ${pttl}`);
  const reserved = await timed(async () => [await scripts.rbReserve(keys.tat, keys.penalty, 100_000, 60_000), await scripts.rbReserve(keys.tat, keys.penalty, 100_000, 60_000)]);
  const [first, second] = reserved.value as [number, number];
  // The pause left when reserve ran: 2000 ms minus the Redis time since the penalty, ±1 ms (PTTL has whole ms).
  const sincePenaltyMs = ((await redisNowUs()) - before) / 1000;
  t.ok(first <= 2_001_000 && first >= (2000 - sincePenaltyMs - 1) * 1000, `reserve: the slot is after the pause (${first} µs)`);
  t.ok(second - first <= 100_000 && second - first >= 100_000 - reserved.elapsedMs * 1000, `the next slot one interval after it (${second - first} µs): spaced, not a burst when the pause ends`);
  const gated = await timed(() => scripts.rbGate(keys.log, keys.penalty, 10, 1_015_000, 'm', 60_000));
  const [status, waitUs] = gated.value;
  t.equal(status, GATE_PAUSED, 'gate: refused while paused');
  t.ok(waitUs <= 2_001_000 && waitUs > 0, `for the pause left (${waitUs} µs)`);
  t.equal(await redis.zcard(keys.log), 0, 'nothing admitted');
  const other = endpointKeys('another-org', 'GET /contact/{identifier}');
  t.match(await scripts.rbGate(other.log, other.penalty, 10, 1_015_000, 'm', 60_000), [GATE_ADMITTED, 0], 'another organization is not paused');
});

t.test('idle keys expire: PTTL = the reservations still ahead + idle time', async (t) => {
  const keys = freshKeys();
  const tat = await timed(async () => {
    await scripts.rbReserve(keys.tat, keys.penalty, LONG_INTERVAL_US, 3000);
    await scripts.rbReserve(keys.tat, keys.penalty, LONG_INTERVAL_US, 3000);
    return redis.pttl(keys.tat);
  });
  t.ok(tat.value <= 23_000 && tat.value >= 23_000 - tat.elapsedMs - 1, `tat expires 2 × 10 s of reservations + 3000 ms idle from the first (${tat.value})`);
  const log = await timed(async () => {
    await scripts.rbGate(keys.log, keys.penalty, 5, 1_015_000, 'm', 3000);
    return redis.pttl(keys.log);
  });
  t.ok(log.value <= 4015 && log.value >= 4015 - log.elapsedMs - 1, `the log expires one window + 3000 ms idle from now (${log.value})`);
  const penalty = await timed(async () => {
    await scripts.rbPenalize(keys.penalty, 1500);
    return redis.pttl(keys.penalty);
  });
  t.ok(penalty.value <= 1500 && penalty.value >= 1500 - penalty.elapsedMs - 1, `the penalty key lives as long as the pause (${penalty.value})`);
});

t.test('keys: one hash tag per organization (one Cluster slot), the endpoint outside it; braces cannot break the tag', async (t) => {
  const tag = (key: string): string | undefined => /\{([^}]*)\}/.exec(key)?.[1];
  const keys = endpointKeys('f00d@https://api.respond.io', 'GET /contact/{identifier}');
  t.same([tag(keys.tat), tag(keys.log), tag(keys.penalty)], ['f00d@https://api.respond.io', 'f00d@https://api.respond.io', 'f00d@https://api.respond.io']);
  t.equal(tag(endpointKeys('f00d@https://api.respond.io', 'GET /contact/{identifier}/message/{messageId}').tat), 'f00d@https://api.respond.io', 'every endpoint of the organization: the same slot');
  t.equal(tag(endpointKeys('acme}{x', 'E').tat), 'acme%7D%7Bx', 'an Organization value with braces is encoded');
  t.not(endpointKeys('a%7Db', 'E').tat, endpointKeys('a}b', 'E').tat, 'and the encoding cannot collide');
});
