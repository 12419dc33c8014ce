-- ARGV: perm (4 bytes per entry: its number), inv (4 bytes per number: its entry). First writer wins.
if meta('ordered') == 1 or meta('sealed') == 0 then return 0 end
if #ARGV[1] ~= meta('pre') * 4 then return 0 end
redis.call('SET', K_PERM, ARGV[1])
redis.call('SET', K_INV, ARGV[2])
local ttl = redis.call('TTL', K_META)
if ttl > 0 then
  redis.call('EXPIRE', K_PERM, ttl)
  redis.call('EXPIRE', K_INV, ttl)
end
redis.call('HSET', K_META, 'ordered', 1)
return 1
