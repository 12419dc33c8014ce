-- ARGV: version (0: apply as it is), n, then n seat ids to mark sold, m, then m seat ids sold no
-- more, then the counts set_counts reads. KEYS[10]: HASH 'seat:<id>' | 'section:<code>' |
-- 'buyer:<id>' -> version of the latest update applied to it. Each item keeps the value of the
-- highest version that named it, so updates counted on several instances may arrive in any order.
-- Absolute, so applying the same update twice changes nothing more. A sold seat's field is
-- overwritten even if a hold claimed it (its buyer's own hold, or one placed after the store lost
-- its state): the hold's release only deletes fields that still name it.
local version = tonumber(ARGV[1])
local function current(item)
  if version == 0 then return true end
  local seen = redis.call('HGET', KEYS[10], item)
  if seen and tonumber(seen) > version then return false end
  redis.call('HSET', KEYS[10], item, ARGV[1])
  return true
end
local n = tonumber(ARGV[2])
for i = 3, 2 + n do
  if current('seat:' .. ARGV[i]) then redis.call('HSET', K_SEAT, ARGV[i], 'sold') end
end
local m = tonumber(ARGV[3 + n])
for i = 4 + n, 3 + n + m do
  if current('seat:' .. ARGV[i]) and redis.call('HGET', K_SEAT, ARGV[i]) == 'sold' then redis.call('HDEL', K_SEAT, ARGV[i]) end
end
set_counts(4 + n + m, current)
return {'ok'}
