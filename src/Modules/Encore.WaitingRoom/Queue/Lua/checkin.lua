-- ARGV: account, now (ms), held (0/1), touch (0/1)
local account, now, held, do_touch = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1', ARGV[4] == '1'
local slot = tonumber(redis.call('HGET', K_ACCT, account) or '0')
if slot == 0 then return {} end
if do_touch then touch(slot, held, now) end
return entry(slot, now)
