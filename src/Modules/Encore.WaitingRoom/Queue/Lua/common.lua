-- Shared by every script of the Redis queue store; RedisQueueStore prepends it to each one.
-- Every key of one queue carries the hash tag {q:<event id>}, so a script touches one Redis
-- Cluster slot. KEYS, always in this order:
--   1 meta   HASH  slots, sealed, ordered, pre, serving, waiting, admitted, expired, credit, last_ms, lock_ms
--   2 acct   HASH  account (16 raw bytes) -> entry (arrival order, 1-based)
--   3 seen   STRING 4 bytes per entry (big-endian Unix seconds of its last check-in)
--   4 st     STRING 1 byte per entry: 1 waiting, 2 admitted, 3 expired, 4 left, 5 held (shadow-banned)
--   5 perm   STRING 4 bytes per pre-queue entry: its drawn number
--   6 inv    STRING 4 bytes per drawn number: its entry
--   7 active ZSET  entry -> admitted until (Unix ms)
-- Flat strings instead of a hash per entry keep 100,000 entries at a few megabytes.
local K_META, K_ACCT, K_SEEN, K_ST, K_PERM, K_INV, K_ACTIVE = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]

local function get4(key, index)
  local s = redis.call('GETRANGE', key, (index - 1) * 4, index * 4 - 1)
  if #s < 4 then return 0 end
  local b1, b2, b3, b4 = string.byte(s, 1, 4)
  return ((b1 * 256 + b2) * 256 + b3) * 256 + b4
end

local function put4(key, index, value)
  redis.call('SETRANGE', key, (index - 1) * 4, string.char(
    math.floor(value / 16777216) % 256, math.floor(value / 65536) % 256, math.floor(value / 256) % 256, value % 256))
end

local function state_of(slot)
  local s = redis.call('GETRANGE', K_ST, slot - 1, slot - 1)
  if #s < 1 then return 0 end
  return string.byte(s)
end

local function set_state(slot, value)
  redis.call('SETRANGE', K_ST, slot - 1, string.char(value))
end

local function meta(field)
  return tonumber(redis.call('HGET', K_META, field) or '0')
end

-- The entry's number in line, or -1 while it is not drawn yet.
local function number_of(slot)
  if meta('sealed') == 0 then return -1 end
  if slot <= meta('pre') then
    if meta('ordered') == 0 then return -1 end
    return get4(K_PERM, slot)
  end
  return slot
end

local function active_until(slot, now)
  local until_ms = redis.call('ZSCORE', K_ACTIVE, slot)
  if until_ms and tonumber(until_ms) > now then return tonumber(until_ms) end
  return -1
end

local function touch(slot, held, now)
  put4(K_SEEN, slot, math.floor(now / 1000))
  local st = state_of(slot)
  if held and st == 1 then
    set_state(slot, 5)
  elseif (not held) and st == 5 then
    -- Unflagged: back in line unless the counter passed it meanwhile (then it may join again).
    local n = number_of(slot)
    if n > 0 and n <= meta('serving') then set_state(slot, 3) else set_state(slot, 1) end
  end
end

-- slot, number (-1 = not drawn), serving, state, admitted until (-1 = not admitted now), pre-queue (0/1)
local function entry(slot, now)
  local pre = 0
  if meta('sealed') == 0 or slot <= meta('pre') then pre = 1 end
  return { slot, number_of(slot), meta('serving'), state_of(slot), active_until(slot, now), pre }
end
