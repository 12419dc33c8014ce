-- ARGV: now. Answers {seat id, 'held' | 'pool:<n>' | 'sold', ...} and the ga hash ({section, units held, 'sold:<section>', units sold, ...}).
local now = tonumber(ARGV[1])
sweep(now)
local seats = {}
local claims = redis.call('HGETALL', K_SEAT)
local alive = {}
for i = 1, #claims, 2 do
  local holder = claims[i + 1]
  if permanent(holder) then
    seats[#seats + 1] = claims[i]
    seats[#seats + 1] = holder
  else
    if alive[holder] == nil then alive[holder] = live(holder, now) or false end
    if alive[holder] then
      seats[#seats + 1] = claims[i]
      seats[#seats + 1] = 'held'
    end
  end
end
return {seats, redis.call('HGETALL', K_GA)}
