-- ARGV: account, now (ms), held (0/1), max size, key lifetime (s)
local account, now, held, max_size, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1', tonumber(ARGV[4]), tonumber(ARGV[5])
local slot = tonumber(redis.call('HGET', K_ACCT, account) or '0')
if slot > 0 then
  local st = state_of(slot)
  if st == 1 or st == 5 or (st == 2 and active_until(slot, now) > 0) then
    touch(slot, held, now)
    local e = entry(slot, now)
    table.insert(e, 0)
    return e
  end
end
local waiting = meta('waiting')
if waiting >= max_size then return { 'full', waiting } end
slot = redis.call('HINCRBY', K_META, 'slots', 1)
redis.call('HINCRBY', K_META, 'waiting', 1)
redis.call('HSET', K_ACCT, account, slot)
if held then set_state(slot, 5) else set_state(slot, 1) end
put4(K_SEEN, slot, math.floor(now / 1000))
if slot == 1 then
  -- The queue's keys outlive its on-sale by the key lifetime, then Redis drops them.
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ttl) end
end
local e = entry(slot, now)
table.insert(e, 1)
return e
