-- ARGV: now, pool name, seat ids. Seats of another pool, or held, are left alone.
local pool = 'pool:' .. ARGV[2]
for i = 3, #ARGV do
  if redis.call('HGET', K_SEAT, ARGV[i]) == pool then redis.call('HDEL', K_SEAT, ARGV[i]) end
end
return 1
