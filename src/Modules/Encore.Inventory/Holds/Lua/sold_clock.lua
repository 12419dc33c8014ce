-- KEYS[10]: the performance's sold-update clock. Answers a version higher than any handed out before:
-- the last one plus one, or Redis's own time in microseconds when that is later, so a store that
-- lost its keys (and its clock with them) still hands out versions above those of updates in flight.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[10]) or '0')
local version = math.max(last + 1, now)
local text = string.format('%.0f', version)
redis.call('SET', KEYS[10], text)
return version
