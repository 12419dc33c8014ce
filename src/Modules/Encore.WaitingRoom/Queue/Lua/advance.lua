-- ARGV: now (ms), mode (pace|capacity), per minute, max active, admission lifetime (ms), check-in window (ms), tick (ms), max scan
local now, mode, pace, max_active = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local lifetime, checkin, tick, max_scan = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local serving = meta('serving')
-- One advance per queue per tick, whichever instance comes first: the others return at once.
if meta('ordered') == 0 or now < meta('lock_ms') then return { 0, serving, 0, 0 } end
redis.call('HSET', K_META, 'lock_ms', now + tick - math.floor(tick / 10))
redis.call('ZREMRANGEBYSCORE', K_ACTIVE, '-inf', now)

local budget, credit = 0, 0
if mode == 'capacity' then
  budget = max_active - redis.call('ZCARD', K_ACTIVE)
else
  local last_ms = meta('last_ms')
  local elapsed = tick
  if last_ms > 0 then elapsed = math.max(0, now - last_ms) end
  -- Unused admissions carry over at most two ticks' worth, so a paused queue never lets a burst in.
  local cap = math.max(1, pace * tick * 2 / 60000)
  credit = math.min(tonumber(redis.call('HGET', K_META, 'credit') or '0') + elapsed * pace / 60000, cap)
  budget = credit
end

local last, pre = meta('slots'), meta('pre')
local admitted, skipped, scanned, passed = 0, 0, 0, 0
local fresh = now - checkin
while budget >= 1 and serving < last and scanned < max_scan do
  local n = serving + 1
  local slot = n
  if n <= pre then slot = get4(K_INV, n) end
  local st = state_of(slot)
  if st == 1 then
    if get4(K_SEEN, slot) * 1000 >= fresh then
      set_state(slot, 2)
      redis.call('ZADD', K_ACTIVE, now + lifetime, slot)
      admitted = admitted + 1
      budget = budget - 1
    else
      set_state(slot, 3)
      skipped = skipped + 1
    end
    passed = passed + 1
  elseif st == 5 then
    passed = passed + 1
  end
  serving = n
  scanned = scanned + 1
end
if mode ~= 'capacity' then credit = credit - admitted end
redis.call('HSET', K_META, 'serving', serving, 'credit', tostring(credit), 'last_ms', now)
redis.call('HINCRBY', K_META, 'admitted', admitted)
redis.call('HINCRBY', K_META, 'expired', skipped)
-- (0 - passed, not -passed: Lua's -0 reaches Redis as "-0", which is no integer)
redis.call('HINCRBY', K_META, 'waiting', 0 - passed)
if admitted > 0 then
  local ttl = redis.call('TTL', K_META)
  if ttl > 0 then redis.call('EXPIRE', K_ACTIVE, ttl) end
end
return { 1, serving, admitted, skipped }
