-- ARGV: now (ms)
local now = tonumber(ARGV[1])
return { meta('sealed'), meta('ordered'), meta('pre'), meta('slots'), meta('serving'), meta('waiting'),
  redis.call('ZCOUNT', K_ACTIVE, '(' .. now, '+inf'), meta('admitted'), meta('expired') }
