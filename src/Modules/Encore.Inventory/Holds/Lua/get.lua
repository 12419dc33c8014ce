-- ARGV: now, hold id.
local now = tonumber(ARGV[1])
sweep(now)
local _, raw = owned_live_hold(ARGV[2], '', now)
return raw or false
