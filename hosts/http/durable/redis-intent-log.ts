import type { Redis } from 'ioredis';
import type { IntentLog } from '../../../runtime/checkpoint/call-guard.js';
import type { RecordedOutcome } from '../../../runtime/checkpoint/journal.js';
import type { RunKeys } from './keys.js';

/** What an earlier leg of a run left for rows after the committed ones: intents and answers not committed yet. */
export interface EarlierCalls {
  intents: Set<number>;
  outcomes: Map<number, RecordedOutcome>;
}

/**
 * The call guard's log for a durable run of a connector that is not idempotent (runtime/checkpoint/call-guard.ts):
 * an intent is in Redis before the request leaves, so a leg that takes over after a crash reports that row
 * RC_OUTCOME_UNKNOWN instead of sending it again. The commit script drops a row's intent and outcome.
 */
export function redisIntentLog(redis: Redis, keys: RunKeys): IntentLog {
  return {
    async recordIntent(n) {
      await redis.sadd(keys.intents, String(n));
    },
    async recordOutcome(n, outcome) {
      await redis.hset(keys.outcomes, String(n), JSON.stringify(outcome));
    },
  };
}

export async function earlierCalls(redis: Redis, keys: RunKeys, committed: number): Promise<EarlierCalls> {
  const [intents, outcomes] = await Promise.all([redis.smembers(keys.intents), redis.hgetall(keys.outcomes)]);
  return {
    intents: new Set(intents.map(Number).filter((n) => n > committed)),
    outcomes: new Map(
      Object.entries(outcomes)
        .map(([n, outcome]) => [Number(n), JSON.parse(outcome) as RecordedOutcome] as const)
        .filter(([n]) => n > committed),
    ),
  };
}
