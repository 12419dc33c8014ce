-- ARGV: now, pool name, seat ids. All or none.
local now = tonumber(ARGV[1])
local pool = 'pool:' .. ARGV[2]
sweep(now)
local taken = {'taken'}
for i = 3, #ARGV do
  local holder = redis.call('HGET', K_SEAT, ARGV[i])
  if holder and holder ~= pool and (permanent(holder) or live(holder, now)) then taken[#taken + 1] = ARGV[i] end
end
if #taken > 1 then return taken end
for i = 3, #ARGV do redis.call('HSET', K_SEAT, ARGV[i], pool) end
return {'ok'}
