-- ARGV: 'init', n, then n pairs (seat id, claim: 'pool:<n>' or 'sold'), then the counts set_counts reads.
if redis.call('EXISTS', K_INIT) == 1 then return 0 end
local n = tonumber(ARGV[2])
for i = 3, 2 + 2 * n, 2 do
  redis.call('HSETNX', K_SEAT, ARGV[i], ARGV[i + 1])
end
set_counts(3 + 2 * n)
redis.call('SET', K_INIT, '1')
return 1
