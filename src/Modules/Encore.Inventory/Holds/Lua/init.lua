-- ARGV: 'init', then seat id, pool name pairs.
if redis.call('EXISTS', K_INIT) == 1 then return 0 end
for i = 2, #ARGV, 2 do
  redis.call('HSETNX', K_SEAT, ARGV[i], 'pool:' .. ARGV[i + 1])
end
redis.call('SET', K_INIT, '1')
return 1
