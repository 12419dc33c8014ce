-- ARGV: now, hold id, buyer id.
local now = tonumber(ARGV[1])
sweep(now)
if not owned_live_hold(ARGV[2], ARGV[3], now) then return 0 end
release(ARGV[2])
return 1
