-- ARGV: n, then n seat ids to mark sold, m, then m seat ids sold no more, then the counts set_counts reads.
-- Absolute, so applying the same update twice changes nothing more. A sold seat's field is
-- overwritten even if a hold claimed it (its buyer's own hold, or one placed after the store lost
-- its state): the hold's release only deletes fields that still name it.
local n = tonumber(ARGV[1])
for i = 2, 1 + n do redis.call('HSET', K_SEAT, ARGV[i], 'sold') end
local m = tonumber(ARGV[2 + n])
for i = 3 + n, 2 + n + m do
  if redis.call('HGET', K_SEAT, ARGV[i]) == 'sold' then redis.call('HDEL', K_SEAT, ARGV[i]) end
end
set_counts(3 + n + m)
return {'ok'}
