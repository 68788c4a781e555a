/**
 * The Lua scripts of the shared budget. Every decision reads the Redis server's clock (`TIME`), never a client's:
 * processes on different hosts disagree about the time, Redis does not disagree with itself. Times are integer
 * microseconds (exact in Lua's doubles up to 2^53 µs, year 2255), because Redis turns a Lua number into an integer
 * reply by truncating it: milliseconds would lose the fraction a pace of 1000/R ms needs.
 */

const NOW_US = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])`;

/**
 * reserve — GCRA "theoretical arrival time". KEYS: tat, penalty. ARGV: intervalUs, idleMs.
 * The caller's slot starts at max(tat, now, end of a 429 pause); tat moves one interval past it. Returns how many
 * µs the caller sleeps until its slot. The key lives until the reservations run out plus idleMs, then Redis forgets it.
 */
export const reserveScript = `${NOW_US}
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(tat, now)
local penalty = redis.call('PTTL', KEYS[2])
if penalty > 0 then start = math.max(start, now + penalty * 1000) end
local nextTat = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + tonumber(ARGV[2]))
return start - now`;

/** gate's answers: [status, waitUs, nowUs, sends in the last second with this one (admitted only; for learned-limits.ts)]. */
export const GATE_ADMITTED = 0;
/** The window holds `limit` sends already: wait waitUs, then ask the gate again. */
export const GATE_WINDOW_FULL = 1;
/** A 429 pause runs: wait waitUs, then reserve a new slot (so the callers held by the pause leave it spaced, not at once). */
export const GATE_PAUSED = 2;

/**
 * gate — a sliding log just before the send. KEYS: log, penalty. ARGV: limit, windowUs, member, idleMs.
 * A send admitted at s occupies the window while now - s < window (1000 ms + the guard): admit only if fewer than
 * `limit` do. When full, the wait is until the oldest one that must leave has left.
 */
export const gateScript = `${NOW_US}
local penalty = redis.call('PTTL', KEYS[2])
if penalty > 0 then return { ${GATE_PAUSED}, penalty * 1000 } end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], string.format('%d', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + tonumber(ARGV[4]))
  local recent = redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%d', now - 1000000), '+inf')
  return { ${GATE_ADMITTED}, 0, now, recent }
end
-- count - limit + 1 sends must leave; the (count - limit)-th oldest (0-based) is the last of them.
local leaving = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return { ${GATE_WINDOW_FULL}, math.max(1, tonumber(leaving[2]) + window - now) }`;

/**
 * restamp — moves an admitted send to when it really left. KEYS: log. ARGV: member, sentUs. Only later (GT), only if
 * it is still in the log (XX). A send admitted at s but written to the socket d ms later arrives d ms later: counted
 * from s, it would leave the window d ms early, and the send admitted then could make R + 1 in respond.io's second.
 * sentUs is Redis's admission time plus d, a duration this process measured; no client clock reading.
 */
export const restampScript = `return redis.call('ZADD', KEYS[1], 'XX', 'GT', ARGV[2], ARGV[1])`;

/** penalize — a 429's Retry-After, shared by every process. KEYS: penalty. ARGV: ms. Only extends a pause. Returns the pause left, ms. */
export const penalizeScript = `local current = redis.call('PTTL', KEYS[1])
local ms = tonumber(ARGV[1])
if current < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  return ms
end
return current`;
