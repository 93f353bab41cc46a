// The three Lua scripts that keep one Okta bucket's windows in one Redis hash: tickets per window,
// first come first served across the fleet. Redis runs a script atomically, so reservations from
// any number of processes are counted one at a time, and every time comes from Redis's own
// clock (TIME): the processes' clocks never need to agree. No blocking command: the store may
// share the user's ioredis client. One key per bucket, with a hash tag, so a Cluster runs each
// script in that key's slot.
//
// Windows are numbered (gen); the current one has these fields:
//   limit   the last X-Rate-Limit-Limit (absent: nothing known yet, every slot is granted at once)
//   gen     the current window's number
//   end     when it ends by our reckoning, Redis ms: the tightest reset − Date + margin of its
//           answers (Date is rounded down, so each answer's bound is late, never early), or,
//           for a window no answer has shown yet, the window before's end + len + margin
//   reset   the server's X-Rate-Limit-Reset of the current window; 0 while no answer showed it
//   prev    the reset of the window before
//   spent   the most requests the server said it counted in the current window
//   len     the shortest gap between two resets seen (Okta's 60 s until then)
//   skew    the server's clock less Redis's, as closely as the answers' Date showed it
//   t<g>    tickets granted in window g (the current one, the one before, and later ones)
//   a<g>    answers to window g's tickets (a process passes the window of its oldest sent ticket)
// A window's free slots: limit − spent − (t − a of this window) − (t − a of the one before): a
// ticket of the window before still unanswered may land in this one (sent just before the
// reset, or late by a busy process), so it counts until its answer says where it went. Older
// tickets lapse with their window (a crashed process's included).

/** Okta's windows are a minute; a bucket's is measured once two of its resets were seen. */
const DEFAULT_WINDOW_MS = 60_000;
/** How long a bucket's hash outlives the last window it knows of. */
const KEEP_MS = 120_000;

const PRELUDE = `
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', key, 'limit', 'gen', 'end', 'len', 'reset', 'prev', 'spent')
local limit = tonumber(h[1])
local gen = tonumber(h[2]) or 0
local wend = tonumber(h[3]) or 0
local len = tonumber(h[4]) or ${DEFAULT_WINDOW_MS}
local reset = tonumber(h[5]) or 0
local prev = tonumber(h[6]) or 0
local spent = tonumber(h[7]) or 0
local function field(name) return tonumber(redis.call('HGET', key, name)) or 0 end
local function pending(g) return math.max(field('t' .. g) - field('a' .. g), 0) end
-- Moves to window gen + 1, starting at start; its tickets were counted when they were granted.
local function advance(start)
  redis.call('HDEL', key, 't' .. (gen - 1), 'a' .. (gen - 1))
  gen = gen + 1
  if reset > 0 then prev = reset end
  reset = 0
  spent = 0
  wend = start
end
local function save(later)
  redis.call('HSET', key, 'gen', gen, 'end', wend, 'len', len, 'reset', reset, 'prev', prev,
    'spent', spent)
  redis.call('PEXPIRE', key, math.max(wend - now, 0) + later * len + ${KEEP_MS})
end
`;

/**
 * KEYS[1] the bucket; ARGV maxWaitMs, margin (ms). Returns { granted (1 or 0), waitMs (or
 * retryAfterMs), the slot's window, limit (-1 unknown), free slots left now, ms until the
 * current window ends, the current window's reset (epoch s, 0 unknown) }.
 */
export const RESERVE = `${PRELUDE}
local maxWait = tonumber(ARGV[1])
local margin = tonumber(ARGV[2])
if not limit then
  -- Nothing known yet: send, and count the slot until its answer tells the window.
  redis.call('HINCRBY', key, 't' .. gen, 1)
  redis.call('HSET', key, 'gen', gen)
  redis.call('PEXPIRE', key, ${DEFAULT_WINDOW_MS + KEEP_MS})
  return {1, 0, gen, -1, 0, 0, 0}
end
-- Our reckoning passed the window's end: the next window is current. Its tickets go at its
-- start; with none, the next request opens it (Okta starts a window at the first request).
local rolls = 0
while now >= wend do
  rolls = rolls + 1
  local start = wend
  if field('t' .. (gen + 1)) == 0 or rolls > 100 then start = math.max(wend, now) end
  advance(start + len + margin)
end
local free = limit - spent - pending(gen) - pending(gen - 1)
if free > 0 then
  redis.call('HINCRBY', key, 't' .. gen, 1)
  save(1)
  return {1, 0, gen, limit, free - 1, wend - now, reset}
end
-- The next window with a free slot, first come first served; each starts when the one before
-- ends (by our reckoning), and its tickets go then.
local k = 1
while field('t' .. (gen + k)) >= limit do k = k + 1 end
local wait = wend - now + (k - 1) * (len + margin)
if wait > maxWait then
  save(1)
  return {0, wait, gen, limit, 0, wend - now, reset}
end
redis.call('HINCRBY', key, 't' .. (gen + k), 1)
save(k + 1)
return {1, wait, gen + k, limit, 0, wend - now, reset}
`;

/**
 * KEYS[1] the bucket; ARGV limit, remaining, reset (epoch s), wait (ms until the reset by the
 * server's clock: reset − Date, plus the store's margin), refused ('1' for a 429), the window of
 * the ticket answered (-1 unknown), the margin, the answer's Date (epoch ms). A limit of 0 (a concurrency refusal, or no headers) counts
 * the answer only: it says nothing of the window.
 */
export const RECORD = `${PRELUDE}
local l = tonumber(ARGV[1])
local s = math.max(l - tonumber(ARGV[2]), 0)
local r = tonumber(ARGV[3])
local ticket = tonumber(ARGV[6])
local margin = tonumber(ARGV[7])
-- The server's clock less Redis's, from below: Date (rounded down to the second) was stamped
-- before the answer got here, so Date − now never exceeds it, and the largest such value over
-- the fleet's answers is the closest. It may fall by 1 ms a second, so a clock that was
-- stepped back is believed in time. reset − skew is then the reset on Redis's clock, up to a
-- second sooner than reset − Date from when the answer arrived.
local date = tonumber(ARGV[8])
local sk = redis.call('HMGET', key, 'skew', 'skewAt')
local skew = tonumber(sk[1])
if skew then skew = skew - math.floor((now - (tonumber(sk[2]) or now)) / 1000) end
if l > 0 and (not skew or date - now > skew) then skew = date - now end
if skew then redis.call('HSET', key, 'skew', skew, 'skewAt', now) end
-- When the window ends, on Redis's clock: the reset less the skew, and (as any answer proves
-- its window had begun before now) no later than now + len; plus the margin.
local function bound()
  local e = math.min(now + tonumber(ARGV[4]), now + len + margin)
  if skew then e = math.min(e, r * 1000 - skew + margin) end
  return e
end
-- The answer takes its ticket off (only the current window's and the one before's count).
if ticket == gen or ticket == gen - 1 then
  if field('a' .. ticket) < field('t' .. ticket) then redis.call('HINCRBY', key, 'a' .. ticket, 1) end
end
if l <= 0 then return 0 end
-- A window lasts at most the gap between two resets (whole seconds, as Okta's windows are).
local function measure(older)
  if older > 0 and r > older then len = math.min(len, (r - older) * 1000) end
end
if not limit then
  -- The first answer of the bucket: its window is current, with the tickets sent so far.
  reset = r
  spent = s
  wend = bound()
elseif reset > 0 and r == reset then
  spent = math.max(spent, s)
  wend = math.min(wend, bound())
elseif reset == 0 and r > prev then
  -- The first answer from a window our reckoning opened: its headers replace the reckoning.
  measure(prev)
  reset = r
  spent = math.max(spent, s)
  wend = bound()
elseif reset == 0 and r == prev and ARGV[5] == '1' then
  -- A 429 from the window before: the server's window is still running (its reset came later
  -- than its headers said), so it is current again, spent; the tickets given out for the next
  -- one stay counted there. Our bounds proved wrong for it: the 429's own reset − Date, at
  -- least a second (Okta's advice), decides.
  gen = gen - 1
  reset = prev
  spent = l
  wend = now + math.max(tonumber(ARGV[4]), 1000)
  redis.call('HSET', key, 'limit', l)
  save(2)
  return 1
elseif reset > 0 and r > reset then
  -- A window we did not see open (our reckoning of the end was late, or the windows are
  -- aligned to the clock): it is current. The tickets granted for it stay counted, and the
  -- window before's unanswered ones still count, as they may have landed in it: only their
  -- answers take them off (a reset overwriting the count dropped them: 429s at the boundary).
  measure(reset)
  advance(bound())
  reset = r
  spent = s
else
  -- An older window's answer: its ticket is off, and it says nothing of the current window.
  return 0
end
redis.call('HSET', key, 'limit', l)
save(2)
return 1
`;

/** KEYS[1] the bucket; ARGV the slot's window. Gives back a ticket that was never sent. */
export const RELEASE = `${PRELUDE}
local g = tonumber(ARGV[1])
if g >= gen - 1 and field('t' .. g) > field('a' .. g) then
  redis.call('HINCRBY', key, 't' .. g, -1)
  return 1
end
return 0
`;
