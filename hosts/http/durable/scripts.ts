/**
 * The Lua scripts of durable runs: each is atomic in Redis, so two workers that briefly race on one run (a stalled
 * one that still runs, and the one that took the job over) cannot both append an input row's output.
 */

/** The answers of commitScript. */
export const COMMITTED = 1;
/** The row was committed already (or an earlier one is missing): nothing appended. */
export const NOT_NEXT = 0;
/** Another leg owns the run, or it has ended: this worker lost it and must stop. */
export const NOT_OWNER = -1;

/**
 * commit — appends the output rows of input row n, exactly once and in order.
 * KEYS: meta, output, intents, outcomes. ARGV: leg, n, errorRows added, upstream JSON, stop ('' or the run's final
 * result JSON, when row n is the error row that stops a Fail and return response run), row JSON…
 * Only the leg that owns the run (meta.leg) commits, and only row committed + 1: a duplicate or a row out of order
 * appends nothing. The row's intent and recorded outcome are dropped with the commit (it is settled for good).
 * A stop is kept in meta.stop with the row, so a worker that dies before finishing the run leaves it to be finished
 * as failed by the next leg, never continued past the row that failed it.
 */
export const commitScript = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'leg') ~= ARGV[1] then return ${NOT_OWNER} end
local n = tonumber(ARGV[2])
if tonumber(redis.call('HGET', KEYS[1], 'committed') or '0') ~= n - 1 then return ${NOT_NEXT} end
for i = 6, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('HSET', KEYS[1], 'committed', n, 'upstream', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'stop', ARGV[5]) end
redis.call('HINCRBY', KEYS[1], 'rowsEmitted', #ARGV - 5)
redis.call('HINCRBY', KEYS[1], 'errorRows', tonumber(ARGV[3]))
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[2])
return ${COMMITTED}`;

/**
 * claim — a worker starts a leg of the run: it becomes the owner (a previous leg's commits are refused from now on).
 * KEYS: meta. ARGV: leg, now (ms). Returns 0 when the run is not running (finished, expired).
 */
export const claimScript = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'leg', ARGV[1])
redis.call('HSETNX', KEYS[1], 'startedMs', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'legs', 1)
return 1`;

/**
 * finish — the run has ended: its status and result are written, the stored Connection, intents and outcomes are
 * deleted, and the rest expires after keepForMs. KEYS: meta, input, output, connection, intents, outcomes.
 * ARGV: status, result JSON, finishedAt ISO, finishedMs, keepForMs, leg ('' = whoever owns it: a run cancelled
 * before any worker took it). Returns 0 when it had ended already or another leg owns it.
 */
export const finishScript = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
if ARGV[6] ~= '' and redis.call('HGET', KEYS[1], 'leg') ~= ARGV[6] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2], 'finishedAt', ARGV[3], 'finishedMs', ARGV[4])
redis.call('HDEL', KEYS[1], 'leg')
redis.call('DEL', KEYS[4], KEYS[5], KEYS[6])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return 1`;
