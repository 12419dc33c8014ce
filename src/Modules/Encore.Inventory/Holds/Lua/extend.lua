-- ARGV: now, hold id, buyer id. A hold is extended once, by its own TTL.
local now = tonumber(ARGV[1])
sweep(now)
local hold, raw = owned_live_hold(ARGV[2], ARGV[3], now)
if not hold then return {'none'} end
if hold.extended == 1 then return {'already', raw} end
hold.expires = hold.expires + hold.ttl
hold.extended = 1
raw = cjson.encode(hold)
redis.call('HSET', K_HOLDS, ARGV[2], raw)
redis.call('ZADD', K_EXP, hold.expires, ARGV[2])
return {'ok', raw}
