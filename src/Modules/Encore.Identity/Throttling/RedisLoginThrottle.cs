using StackExchange.Redis;

namespace Encore.Identity.Throttling;

/// <summary>
/// The throttle shared by every instance: one hash per key (f = failures, u = blocked until, l = last
/// failure, in Unix milliseconds), updated by one script so that concurrent failures on several instances
/// each count. The instances' clocks decide "now" (so the window is
/// measured like the in-process one); the key's expiry only collects garbage.
/// </summary>
internal sealed class RedisLoginThrottle(IConnectionMultiplexer redis, TimeProvider clock) : ILoginThrottle
{
    const string RecordScript = """
        local now = tonumber(ARGV[1])
        local last = tonumber(redis.call('HGET', KEYS[1], 'l') or '0')
        if now - last > tonumber(ARGV[5]) then redis.call('DEL', KEYS[1]) end
        redis.call('HSET', KEYS[1], 'l', string.format('%d', now))
        local failures = redis.call('HINCRBY', KEYS[1], 'f', 1)
        local free = tonumber(ARGV[2])
        local blocked = 0
        if failures > free then
          local delay = tonumber(ARGV[3]) * 2 ^ math.min(failures - free - 1, 40)
          if delay > tonumber(ARGV[4]) then delay = tonumber(ARGV[4]) end
          blocked = now + delay
          redis.call('HSET', KEYS[1], 'u', string.format('%d', blocked))
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return {failures, string.format('%d', blocked)}
        """;

    public async Task<TimeSpan> RetryAfterAsync(string key, CancellationToken ct)
    {
        var until = await redis.GetDatabase().HashGetAsync(key, "u");
        if (until.IsNull || !long.TryParse(until.ToString(), out var ms)) return TimeSpan.Zero;
        var left = DateTimeOffset.FromUnixTimeMilliseconds(ms) - clock.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public async Task<ThrottleState> RecordFailureAsync(string key, ThrottleRule rule, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(RecordScript, [key],
            [now.ToUnixTimeMilliseconds(), rule.FreeFailures, (long)rule.BaseDelay.TotalMilliseconds, (long)rule.MaxDelay.TotalMilliseconds, (long)rule.Window.TotalMilliseconds]))!;
        var failures = (int)result[0];
        var blockedUntil = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(result[1].ToString()!));
        return new ThrottleState(failures, blockedUntil > now ? blockedUntil - now : TimeSpan.Zero);
    }

    public Task ResetAsync(string key, CancellationToken ct) => redis.GetDatabase().KeyDeleteAsync(key);
}
