-- ARGV: account, now (ms)
local account, now = ARGV[1], tonumber(ARGV[2])
local slot = tonumber(redis.call('HGET', K_ACCT, account) or '0')
if slot == 0 then return 0 end
local st = state_of(slot)
if st == 1 or st == 5 then
  -- An entry the counter already passed was taken off the waiting count then.
  local n = number_of(slot)
  if not (n > 0 and n <= meta('serving')) then redis.call('HINCRBY', K_META, 'waiting', -1) end
  set_state(slot, 4)
  return 1
end
if st == 2 then
  redis.call('ZREM', K_ACTIVE, slot)
  set_state(slot, 4)
  return 1
end
return 0
