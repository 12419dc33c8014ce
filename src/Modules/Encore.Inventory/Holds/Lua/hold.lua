-- KEYS[10]: this request's idempotency key (a throwaway name of the same slot when there is none).
-- ARGV: now, hold id, buyer id, ttl ms, buyer limit, has key (0/1), request hash, key lifetime ms,
--       kind ('seats' | 'ga'), then the seat ids, or section, quantity, capacity.
-- Everything is checked before anything is written, so a refused request changes nothing but the sweep.
local now = tonumber(ARGV[1])
local hold_id, buyer, ttl, limit = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local has_key, request_hash, key_ttl, kind = ARGV[6] == '1', ARGV[7], tonumber(ARGV[8]), ARGV[9]
sweep(now)

if has_key then
  local replay = replay_of(buyer, request_hash, now)
  if replay then return replay end
end

local seats, section, quantity = {}, nil, 0
if kind == 'ga' then
  section, quantity = ARGV[10], tonumber(ARGV[11])
else
  for i = 10, #ARGV do seats[#seats + 1] = ARGV[i] end
  quantity = #seats
end

-- The limit counts what the buyer bought (as the orders consumer last told the store) with their live holds.
local already = tonumber(redis.call('HGET', K_BOUGHT, buyer) or '0')
for _, id in ipairs(buyer_list(buyer)) do
  local hold = owned_live_hold(id, buyer, now)
  if hold then already = already + hold.qty end
end
if already + quantity > limit then return {'limit', tostring(already)} end

if kind == 'ga' then
  local capacity = tonumber(ARGV[12])
  local held = tonumber(redis.call('HGET', K_GA, section) or '0') + sold_units(section)
  local remaining = capacity - held
  if remaining < 0 then remaining = 0 end
  if quantity > remaining then return {'short', tostring(remaining)} end
  redis.call('HINCRBY', K_GA, section, quantity)
else
  local taken = {'taken'}
  for _, seat in ipairs(seats) do
    local holder = redis.call('HGET', K_SEAT, seat)
    if holder and (permanent(holder) or live(holder, now)) then taken[#taken + 1] = seat end
  end
  if #taken > 1 then return taken end
  for _, seat in ipairs(seats) do redis.call('HSET', K_SEAT, seat, hold_id) end
end

local token = redis.call('INCR', K_FENCE)
local hold = {
  id = hold_id, buyer = buyer, seats = seats, section = section or cjson.null, qty = quantity,
  token = token, created = now, expires = now + ttl, ttl = ttl, extended = 0,
}
local raw = cjson.encode(hold)
redis.call('HSET', K_HOLDS, hold_id, raw)
redis.call('ZADD', K_EXP, now + ttl, hold_id)
local list = buyer_list(buyer)
list[#list + 1] = hold_id
save_buyer_list(buyer, list)
if has_key then redis.call('SET', KEYS[10], hold_id .. '|' .. request_hash, 'PX', key_ttl) end
return {'ok', raw}
