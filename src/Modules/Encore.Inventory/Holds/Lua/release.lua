-- ARGV: now, hold id, buyer id. Answers the released hold as JSON, or false when there was none.
local now = tonumber(ARGV[1])
sweep(now)
local _, raw = owned_live_hold(ARGV[2], ARGV[3], now)
if not raw then return false end
release(ARGV[2])
return raw
