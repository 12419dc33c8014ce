using Encore.BuildingBlocks;
using StackExchange.Redis;

namespace Encore.Web.Gateway;

/// <summary>One bucket a request must take a token from: its key and its rule.</summary>
internal sealed record Bucket(string Key, BucketRule Rule);

/// <summary>
/// Token buckets, taken all-or-nothing: a request that one bucket refuses takes from none, so an
/// address's budget is not spent by a request its account's bucket turned away.
/// </summary>
internal interface ITokenBuckets
{
    /// <summary>Zero when a token was taken from every bucket; otherwise how long until all of them have one.</summary>
    ValueTask<TimeSpan> TryTakeAsync(IReadOnlyList<Bucket> buckets, CancellationToken ct);

    /// <summary>Whether <see cref="TryTakeAsync"/> completes without I/O (so the rate limiter may answer synchronously).</summary>
    bool IsSynchronous { get; }
}

/// <summary>The embedded default: buckets in this process, behind one lock (a take is a few additions).</summary>
internal sealed class InProcessTokenBuckets(TimeProvider clock) : ITokenBuckets
{
    readonly Dictionary<string, (double Tokens, long At)> buckets = new(StringComparer.Ordinal);
    readonly SweepSchedule sweeps = new(clock);
    readonly Lock gate = new();

    public bool IsSynchronous => true;

    public ValueTask<TimeSpan> TryTakeAsync(IReadOnlyList<Bucket> requested, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        Span<double> tokens = stackalloc double[requested.Count];
        lock (gate)
        {
            long waitMs = 0;
            for (var i = 0; i < requested.Count; i++)
            {
                var (key, rule) = requested[i];
                tokens[i] = buckets.TryGetValue(key, out var b) ? Refill(b.Tokens, b.At, now, rule) : rule.Capacity;
                if (tokens[i] < 1) waitMs = Math.Max(waitMs, (long)Math.Ceiling((1 - tokens[i]) / rule.RefillPerMillisecond - 1e-6));
            }
            if (waitMs > 0) return ValueTask.FromResult(TimeSpan.FromMilliseconds(waitMs));
            if (sweeps.Due()) Sweep(now, requested);
            for (var i = 0; i < requested.Count; i++)
                buckets[requested[i].Key] = (tokens[i] - 1, now);
        }
        return ValueTask.FromResult(TimeSpan.Zero);
    }

    static double Refill(double tokens, long at, long now, BucketRule rule) =>
        now > at ? Math.Min(rule.Capacity, tokens + (now - at) * rule.RefillPerMillisecond) : tokens;

    /// <summary>Forgets buckets idle long enough to be full again: they would read as full anyway.</summary>
    void Sweep(long now, IReadOnlyList<Bucket> rules)
    {
        // The rule of a stored key is not kept; the slowest refill among those in use is a safe bound.
        var slowest = rules.Min(r => r.Rule.RefillPerMillisecond);
        var largest = rules.Max(r => r.Rule.Capacity);
        var idle = (long)(largest / slowest);
        foreach (var (key, b) in buckets)
            if (now - b.At > idle) buckets.Remove(key);
    }
}

/// <summary>
/// Scaled: the buckets live in Redis and one Lua script checks and takes them, so several instances
/// share one budget and two concurrent requests cannot both take the last token.
/// </summary>
internal sealed class RedisTokenBuckets(IConnectionMultiplexer redis, TimeProvider clock) : ITokenBuckets
{
    // KEYS: the buckets. ARGV[1]: now (ms); then per bucket its capacity and refill per ms.
    // Each bucket is a hash {t = tokens, ts = when t was computed}; an absent bucket is full.
    // Nothing is written unless every bucket has a token. The expiry (time to refill completely)
    // only collects garbage: a bucket that expired would read as full anyway.
    const string Script = """
        local now = tonumber(ARGV[1])
        local tokens = {}
        local wait = 0
        -- (The 1e-6 keeps float rounding from adding a whole millisecond to a wait.)
        for i = 1, #KEYS do
          local cap = tonumber(ARGV[i * 2])
          local rate = tonumber(ARGV[i * 2 + 1])
          local b = redis.call('HMGET', KEYS[i], 't', 'ts')
          local t = tonumber(b[1]) or cap
          local ts = tonumber(b[2]) or now
          if now > ts then t = math.min(cap, t + (now - ts) * rate) end
          tokens[i] = t
          if t < 1 then
            local w = math.ceil((1 - t) / rate - 1e-6)
            if w > wait then wait = w end
          end
        end
        if wait > 0 then return wait end
        for i = 1, #KEYS do
          local cap = tonumber(ARGV[i * 2])
          local rate = tonumber(ARGV[i * 2 + 1])
          local b = redis.call('HGET', KEYS[i], 'ts')
          local ts = math.max(now, tonumber(b) or now)
          redis.call('HSET', KEYS[i], 't', string.format('%.6f', tokens[i] - 1), 'ts', string.format('%d', ts))
          redis.call('PEXPIRE', KEYS[i], math.ceil(cap / rate) + 1000)
        end
        return 0
        """;

    public bool IsSynchronous => false;

    public async ValueTask<TimeSpan> TryTakeAsync(IReadOnlyList<Bucket> buckets, CancellationToken ct)
    {
        var keys = new RedisKey[buckets.Count];
        var args = new RedisValue[1 + buckets.Count * 2];
        args[0] = clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < buckets.Count; i++)
        {
            keys[i] = buckets[i].Key;
            args[1 + i * 2] = buckets[i].Rule.Capacity;
            args[2 + i * 2] = buckets[i].Rule.RefillPerMillisecond.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        // The client sends EVALSHA once the script is known to the server, EVAL otherwise.
        var result = await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args);
        return TimeSpan.FromMilliseconds((long)result);
    }
}
