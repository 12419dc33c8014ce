-- KEYS[10]: the idempotency key of a retry that reached the store without placing anything.
-- ARGV: now, buyer id, request hash. Writes nothing (expired holds are left for the next sweep).
local now = tonumber(ARGV[1])
return replay_of(ARGV[2], ARGV[3], now) or false
