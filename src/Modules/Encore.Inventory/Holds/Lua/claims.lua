-- ARGV: now, n, then n seat ids, then section codes. Answers each seat's claim ('free', 'held' or
-- 'pool:<n>') and the units held per section, after a sweep: what watching pages should show now.
local now = tonumber(ARGV[1])
sweep(now)
local n = tonumber(ARGV[2])
local states = {}
for i = 3, 2 + n do
  local holder = redis.call('HGET', K_SEAT, ARGV[i])
  if not holder then states[#states + 1] = 'free'
  elseif permanent(holder) then states[#states + 1] = holder
  elseif live(holder, now) then states[#states + 1] = 'held'
  else states[#states + 1] = 'free' end
end
local held = {}
for i = 3 + n, #ARGV do held[#held + 1] = tostring(tonumber(redis.call('HGET', K_GA, ARGV[i]) or '0') + sold_units(ARGV[i])) end
return {states, held}
