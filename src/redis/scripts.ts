// The two Lua scripts that keep one Okta bucket's window in a Redis hash. Redis runs a script
// atomically, so reservations from any number of processes are counted one at a time, and every
// time comes from Redis's own clock (TIME): the processes' clocks never need to agree.
//
// Hash fields: limit (learnt from X-Rate-Limit-Limit), used (requests reserved or, if more, the
// server's count), end (when our window ends, Redis ms: reset - Date + margin after a response,
// the earliest such bound seen: Date is rounded down, so each answer over-estimates the wait a
// little and the earliest bound across the fleet's many answers is the tightest), reset (the server's X-Rate-Limit-Reset for that window; 0 while
// a window we opened is unconfirmed), prev (the reset before that), start and len (when our
// last window opened and how long windows last), probe (until when the first request is out).

/** KEYS[1] the bucket. Returns 0 to send now, or the milliseconds to wait. */
export const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'limit', 'used', 'end', 'probe', 'len', 'reset')
local limit = tonumber(h[1])
if not limit then
  -- Nothing known yet: one request goes first, and its answer tells everyone the limit.
  local probe = tonumber(h[4]) or 0
  if now < probe then return math.min(probe - now, 50) end
  redis.call('HSET', KEYS[1], 'probe', now + 2000)
  redis.call('PEXPIRE', KEYS[1], 120000)
  return 0
end
local wend = tonumber(h[3]) or 0
if now >= wend then
  -- The window is over: this request opens the server's next one (Okta starts a window at
  -- the first request after the last one ended).
  local len = tonumber(h[5]) or 60000
  redis.call('HSET', KEYS[1], 'used', 1, 'end', now + len, 'prev', tonumber(h[6]) or 0,
    'reset', 0, 'start', now)
  redis.call('PEXPIRE', KEYS[1], len + 120000)
  return 0
end
if (tonumber(h[2]) or 0) < limit then
  redis.call('HINCRBY', KEYS[1], 'used', 1)
  return 0
end
return wend - now
`;

/**
 * KEYS[1] the bucket; ARGV limit, remaining, reset (epoch s), wait (ms until the reset by the
 * server's clock: reset - Date, plus the store's margin), refused ('1' when the answer was a 429).
 */
export const RECORD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local spent = math.max(limit - tonumber(ARGV[2]), 0)
local reset = tonumber(ARGV[3])
local wend = now + tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'reset', 'used', 'end', 'start', 'prev')
local known = tonumber(h[1])
local used = tonumber(h[2]) or 0
if known == 0 then
  -- A window we opened: the first answer from it confirms it. An answer from the window before
  -- says nothing about ours, even one with Remaining 0: that is the old window's last slot,
  -- whose answer can arrive after the fleet has started sending into the new window (a busy
  -- machine). Taking it for "still spent" put the fleet back on the old window and wiped the
  -- new window's count, so the fleet opened a third window inside the server's second: 429s.
  -- Only a refusal (429) proves the old window still running: we opened ours too early (the
  -- reset came later than its headers said), and everyone waits again.
  local prev = tonumber(h[5]) or 0
  if reset < prev or (reset == prev and ARGV[5] ~= '1') then return 0 end
  if reset == prev then
    redis.call('HSET', KEYS[1], 'limit', limit, 'reset', reset, 'used', limit, 'end', wend)
    redis.call('PEXPIRE', KEYS[1], math.max(wend - now, 0) + 120000)
    return 1
  end
  redis.call('HSET', KEYS[1], 'limit', limit, 'reset', reset, 'used', math.max(used, spent),
    'end', wend, 'len', wend - (tonumber(h[4]) or now))
elseif known ~= nil and reset == known then
  redis.call('HSET', KEYS[1], 'limit', limit, 'used', math.max(used, spent),
    'end', math.min(tonumber(h[3]) or wend, wend))
elseif known == nil or reset > known then
  -- First word of a window we did not see open: the server's count is all we know.
  redis.call('HSET', KEYS[1], 'limit', limit, 'reset', reset, 'used', spent, 'end', wend)
else
  return 0
end
redis.call('PEXPIRE', KEYS[1], math.max(wend - now, 0) + 120000)
return 1
`;
