-- ARGV: now (ms), starts at (ms), key lifetime (s). Returns sealed, ordered, pre-queue count.
local now, starts = tonumber(ARGV[1]), tonumber(ARGV[2])
if now < starts then return { 0, 0, 0 } end
if meta('sealed') == 0 then
  local pre = meta('slots')
  redis.call('HSET', K_META, 'sealed', 1, 'pre', pre)
  if pre == 0 then redis.call('HSET', K_META, 'ordered', 1) end
  if redis.call('TTL', K_META) < 0 then redis.call('EXPIRE', K_META, tonumber(ARGV[3])) end
end
return { 1, meta('ordered'), meta('pre') }
