-- ARGV: now. Sweeps, then hands over what the holds that expired since the last call had claimed,
-- and forgets it: whichever instance runs this first publishes it, the others get nothing.
-- Answers {seat ids}, {section codes} (a section once per expired hold on it).
local now = tonumber(ARGV[1])
sweep(now)
local entries = redis.call('LRANGE', K_EXPIRED, 0, -1)
redis.call('DEL', K_EXPIRED)
local seats, sections = {}, {}
for _, raw in ipairs(entries) do
  local entry = cjson.decode(raw)
  if type(entry.seats) == 'table' then
    for _, seat in ipairs(entry.seats) do seats[#seats + 1] = seat end
  end
  if entry.section and entry.section ~= cjson.null then sections[#sections + 1] = entry.section end
end
return {seats, sections}
