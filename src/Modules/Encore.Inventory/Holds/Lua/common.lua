-- Shared by every script of the Redis hold store; RedisHoldStore prepends it to each one.
-- Every key of one performance carries the hash tag {perf:<id>}, so a script touches one slot
-- and runs unchanged on Redis Cluster. KEYS, always in this order:
--   1 seat   HASH seat id -> hold id, "pool:<n>" for an organizer block, or "sold"
--   2 ga     HASH section code -> units in live holds; 'sold:<section>' -> units sold
--   3 exp    ZSET hold id -> expiry (ms since the epoch)
--   4 holds  HASH hold id -> the hold as JSON
--   5 buyers HASH buyer id -> JSON array of that buyer's hold ids
--   6 fence  STRING the performance's fencing-token counter
--   7 init   STRING present once the performance's pools are loaded
--   8 expired LIST what holds that expired had claimed ({seats, section} as JSON), until the live feed takes it
--   9 bought HASH buyer id -> places that buyer bought (from orders, less refunds), for the buyer limit
-- A seat claim is live only while its hold's expiry is in the future, so a hold that expired
-- before any sweep reached it already frees its seats; the sweep only tidies up.
local K_SEAT, K_GA, K_EXP, K_HOLDS, K_BUYERS, K_FENCE, K_INIT, K_EXPIRED, K_BOUGHT = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
-- Nobody may be taking the expired list (no page watches the performance): it keeps the newest entries only.
local EXPIRED_KEPT = 10000

local function is_pool(value)
  return string.sub(value, 1, 5) == 'pool:'
end

-- A seat sold by an order is claimed for good, like an organizer's block.
local function permanent(value)
  return is_pool(value) or value == 'sold'
end

-- Standing units sold by orders live beside the held ones, under 'sold:<section>' in the ga hash.
local function sold_units(section)
  return tonumber(redis.call('HGET', K_GA, 'sold:' .. section) or '0')
end

-- Absolute counts, sold standing units and places bought per buyer: ARGV from i on holds the number of
-- sections, their (section, units) pairs, then (buyer id, places) pairs to the end. current(item),
-- when given, says whether this update may still set the item (sold.lua's versions).
local function set_counts(i, current)
  local sections = tonumber(ARGV[i])
  for j = i + 1, i + 2 * sections, 2 do
    if not current or current('section:' .. ARGV[j]) then redis.call('HSET', K_GA, 'sold:' .. ARGV[j], ARGV[j + 1]) end
  end
  for j = i + 1 + 2 * sections, #ARGV, 2 do
    if not current or current('buyer:' .. ARGV[j]) then
      if tonumber(ARGV[j + 1]) > 0 then redis.call('HSET', K_BOUGHT, ARGV[j], ARGV[j + 1]) else redis.call('HDEL', K_BOUGHT, ARGV[j]) end
    end
  end
end

local function live(hold_id, now)
  local expires = redis.call('ZSCORE', K_EXP, hold_id)
  return expires and tonumber(expires) > now
end

local function buyer_list(buyer)
  local raw = redis.call('HGET', K_BUYERS, buyer)
  if not raw then return {} end
  return cjson.decode(raw)
end

local function save_buyer_list(buyer, list)
  if #list == 0 then redis.call('HDEL', K_BUYERS, buyer) else redis.call('HSET', K_BUYERS, buyer, cjson.encode(list)) end
end

local function release(hold_id)
  redis.call('ZREM', K_EXP, hold_id)
  local raw = redis.call('HGET', K_HOLDS, hold_id)
  if not raw then return nil end
  local hold = cjson.decode(raw)
  for _, seat in ipairs(hold.seats) do
    if redis.call('HGET', K_SEAT, seat) == hold_id then redis.call('HDEL', K_SEAT, seat) end
  end
  if hold.section and hold.section ~= cjson.null then
    if redis.call('HINCRBY', K_GA, hold.section, -hold.qty) < 0 then redis.call('HSET', K_GA, hold.section, 0) end
  end
  local kept = {}
  for _, id in ipairs(buyer_list(hold.buyer)) do
    if id ~= hold_id then kept[#kept + 1] = id end
  end
  save_buyer_list(hold.buyer, kept)
  redis.call('HDEL', K_HOLDS, hold_id)
  return hold
end

-- Bounded so one call never stalls the shard; anything left over is already not live.
local function sweep(now)
  local expired = redis.call('ZRANGEBYSCORE', K_EXP, '-inf', now, 'LIMIT', 0, 500)
  for _, hold_id in ipairs(expired) do
    local hold = release(hold_id)
    -- Recorded for the live availability feed, which tells watching pages these seats are free again.
    if hold then redis.call('RPUSH', K_EXPIRED, cjson.encode({seats = hold.seats, section = hold.section})) end
  end
  if #expired > 0 then redis.call('LTRIM', K_EXPIRED, -EXPIRED_KEPT, -1) end
end

local function owned_live_hold(hold_id, buyer, now)
  if not live(hold_id, now) then return nil end
  local raw = redis.call('HGET', K_HOLDS, hold_id)
  if not raw then return nil end
  local hold = cjson.decode(raw)
  if buyer ~= '' and hold.buyer ~= buyer then return nil end
  return hold, raw
end

-- What a retry with the idempotency key in KEYS[10] gets: nil when the key placed nothing, else the
-- key's live hold of this buyer ('replay') or why not ('keyreused': '0' another request, '1' hold gone).
local function replay_of(buyer, request_hash, now)
  local earlier = redis.call('GET', KEYS[10])
  if not earlier then return nil end
  local sep = string.find(earlier, '|', 1, true)
  local earlier_hold, earlier_hash = string.sub(earlier, 1, sep - 1), string.sub(earlier, sep + 1)
  if earlier_hash ~= request_hash then return {'keyreused', '0'} end
  local _, raw = owned_live_hold(earlier_hold, buyer, now)
  if raw then return {'replay', raw} end
  return {'keyreused', '1'}
end

if redis.call('EXISTS', K_INIT) == 0 and ARGV[1] ~= 'init' then
  return {'uninit'}
end
