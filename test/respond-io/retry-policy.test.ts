import t from 'tap';
import { calculateQueuedDelay, calculateRetryDelay } from '../../connectors/respond-io/calculate-retry-delay.js';
import { parseRetryAfter } from '../../connectors/respond-io/retry-after.js';
import { resolveFamilyOptions } from '../../connectors/respond-io/client-options.js';
import { decideRetry, defaultRetryPolicy, type RetryContext } from '../../connectors/respond-io/retry-policy.js';
import { SchemaRegistry } from '../../runtime/schema-registry.js';

const WALL = Date.UTC(2024, 0, 15, 10, 0, 0); // a whole second, so HTTP-dates (second precision) are exact

t.test('Retry-After: delta-seconds, HTTP-date (against the injected wall clock), junk', async (t) => {
  t.equal(parseRetryAfter('3', WALL), 3000);
  t.equal(parseRetryAfter(' 0 ', WALL), 0);
  t.equal(parseRetryAfter('1.5', WALL), 1500, 'a fraction some gateways send');
  t.equal(parseRetryAfter('12', WALL), 12_000, 'several digits are seconds, not a year');
  t.equal(parseRetryAfter('0.125', WALL), 125, 'several fraction digits');
  t.equal(parseRetryAfter([], WALL), undefined, 'an empty list of headers');
  t.equal(parseRetryAfter(['2', '9'], WALL), 2000, 'the first of repeated headers');
  t.equal(parseRetryAfter(new Date(WALL + 5000).toUTCString(), WALL), 5000, 'IMF-fixdate');
  t.equal(parseRetryAfter('Monday, 15-Jan-24 10:00:07 GMT', WALL), 7000, 'obsolete RFC 850 form');
  t.equal(parseRetryAfter(new Date(WALL - 60_000).toUTCString(), WALL), 0, 'a date in the past means now');
  for (const junk of [undefined, '', 'soon', '-1', '12abc', '  ']) t.equal(parseRetryAfter(junk, WALL), undefined, JSON.stringify(junk));
});

t.test('full-jitter backoff stays within [0, min(max, base·2^(n-1)))', async (t) => {
  t.equal(calculateRetryDelay(1, 500, 10_000, () => 0.5), 250);
  t.equal(calculateRetryDelay(3, 500, 10_000, () => 0.5), 1000);
  t.equal(calculateRetryDelay(10, 500, 10_000, () => 0.999), 9990, 'capped at max');
  t.equal(calculateRetryDelay(2, 500, 10_000, () => 0), 0);
  t.equal(calculateRetryDelay(2, 500, 10_000, () => 7), 1000, 'a broken random is clamped');
  t.same([1, 2, 3, 4, 5].map((n) => calculateQueuedDelay(n, 2000, 10_000)), [2000, 4000, 8000, 10_000, 10_000], '449: doubling, capped');
});

const context = (overrides: Partial<RetryContext> = {}): RetryContext => ({
  idempotent: true, attempts: 1, waitedMs: 0, policy: { ...defaultRetryPolicy }, random: () => 0.5, wallNowMs: WALL, ...overrides,
});

t.test('the policy table: what is retried, how long it waits', async (t) => {
  t.same(decideRetry({ kind: 'status', status: 429, retryAfter: '4' }, context()), { action: 'retry', reason: 'rate-limited', waitMs: 4000 });
  t.same(decideRetry({ kind: 'status', status: 429 }, context()), { action: 'retry', reason: 'rate-limited', waitMs: 1000 }, 'no Retry-After: 1 s');
  t.same(decideRetry({ kind: 'status', status: 429, retryAfter: '4' }, context({ idempotent: false })), { action: 'retry', reason: 'rate-limited', waitMs: 4000 }, 'a 429 was not processed: a POST retries too');
  t.same(decideRetry({ kind: 'status', status: 449 }, context({ attempts: 2 })), { action: 'retry', reason: 'queued', waitMs: 4000 });
  for (const status of [502, 503, 504]) t.same(decideRetry({ kind: 'status', status }, context()), { action: 'retry', reason: 'transient', waitMs: 250 }, `GET ${status}`);
  for (const code of ['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']) {
    t.same(decideRetry({ kind: 'network', code }, context()), { action: 'retry', reason: 'transient', waitMs: 250 }, `GET ${code}`);
  }
  for (const status of [400, 403, 404, 409, 422, 500]) t.same(decideRetry({ kind: 'status', status }, context()), { action: 'stop' }, `never ${status}`);
  t.same(decideRetry({ kind: 'status', status: 401 }, context()), { action: 'token-rejected' }, '401 rejects the token');
  t.same(decideRetry({ kind: 'network', code: 'ENOTFOUND' }, context()), { action: 'stop' }, 'DNS failure is not transient');
  t.same(decideRetry({ kind: 'network', code: 'ETIMEDOUT' }, context({ idempotent: false })), { action: 'stop' }, 'a POST that timed out may have landed');
  t.same(decideRetry({ kind: 'status', status: 503 }, context({ idempotent: false })), { action: 'stop' });
  t.equal(decideRetry({ kind: 'network', code: 'ECONNRESET' }, context({ idempotent: false })).action, 'stop', 'a reset POST may have landed');
  t.equal(decideRetry({ kind: 'network', code: 'ECONNREFUSED' }, context({ idempotent: false })).action, 'retry', 'a refused connection never carried the POST');
});

t.test('caps: attempts, single wait, total wait → give-up with the reason', async (t) => {
  const policy = { ...defaultRetryPolicy, maxAttempts: 3, maxSingleWaitMs: 5000, maxTotalWaitMs: 6000 };
  t.match(decideRetry({ kind: 'status', status: 503 }, context({ policy, attempts: 3 })), { action: 'give-up', why: /3 attempts made \(retryPolicy.maxAttempts 3\)/ });
  t.match(decideRetry({ kind: 'status', status: 429, retryAfter: '6' }, context({ policy })), { action: 'give-up', waitMs: 6000, why: /next wait of 6000 ms exceeds retryPolicy.maxSingleWaitMs 5000/ });
  t.match(decideRetry({ kind: 'status', status: 429, retryAfter: '4' }, context({ policy, attempts: 2, waitedMs: 4000 })), { action: 'give-up', why: /maxTotalWaitMs 6000 \(4000 ms waited already\)/ });
  t.equal(decideRetry({ kind: 'status', status: 429, retryAfter: '2' }, context({ policy, attempts: 2, waitedMs: 4000 })).action, 'retry', 'exactly at the total cap is allowed');
  t.same(decideRetry({ kind: 'status', status: 429, retryAfter: '5' }, context({ policy })), { action: 'retry', reason: 'rate-limited', waitMs: 5000 }, 'exactly at the single-wait cap is allowed');
});

// Validated once, by the schema (schemas/respond-io-client-options-1.0.0.json) with the registry's Ajv: the hand-written
// range checks are gone, so the messages are the schema describer's ("connector option 'retryPolicy.maxAttempts' …").
t.test('policy overrides are validated against the Client Options schema, naming field, rule and value', async (t) => {
  const registry = SchemaRegistry.load();
  const resolve = (retryPolicy: unknown) => resolveFamilyOptions({ retryPolicy } as never, registry).retryPolicy;
  t.same(resolve({ maxAttempts: 2 }), { ...defaultRetryPolicy, maxAttempts: 2 });
  t.same(resolve(undefined), defaultRetryPolicy, 'unset: the defaults');
  t.throws(() => resolve({ maxAttempts: 0 }), { code: 'RC_INVALID_OPTION', message: /connector option 'retryPolicy\.maxAttempts' must be >= 1 \(got 0\)/ });
  t.throws(() => resolve({ backoffBaseMs: 1.5 }), { message: /'retryPolicy\.backoffBaseMs' must be an integer \(got the number 1\.5\)/ });
  t.throws(() => resolve({ transientStatusCodes: [404] }), { message: /'retryPolicy\.transientStatusCodes\.0' must be >= 500 \(got 404\)/ });
  t.throws(() => resolve({ retryTransientMethods: ['GET'] }), { message: /'retryPolicy\.retryTransientMethods' is not part of the schema/ }, 'gone: the manifest says what is idempotent');
  t.throws(() => resolve('fast'), { message: /'retryPolicy' must be an object \(got the string "fast"\)/ });
});
