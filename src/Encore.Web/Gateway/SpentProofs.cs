using System.Collections.Concurrent;
using Encore.BuildingBlocks;
using StackExchange.Redis;

namespace Encore.Web.Gateway;

/// <summary>Solved challenges already used: each is accepted once, until it would have expired anyway.</summary>
internal interface ISpentProofs
{
    /// <summary>True the first time a proof is spent; false for every replay.</summary>
    Task<bool> TrySpendAsync(string signature, DateTimeOffset expires);
}

internal sealed class InProcessSpentProofs(TimeProvider clock) : ISpentProofs
{
    readonly ConcurrentDictionary<string, DateTimeOffset> spent = new(StringComparer.Ordinal);
    readonly SweepSchedule sweeps = new(clock);

    public Task<bool> TrySpendAsync(string signature, DateTimeOffset expires)
    {
        var now = clock.GetUtcNow();
        if (sweeps.Due())
            foreach (var (key, until) in spent)
                if (until <= now) spent.TryRemove(key, out _);
        return Task.FromResult(spent.TryAdd(signature, expires));
    }
}

/// <summary>Scaled: SET NX in Redis, so a proof spent on one instance is refused by every other.</summary>
internal sealed class RedisSpentProofs(IConnectionMultiplexer redis, TimeProvider clock, string prefix) : ISpentProofs
{
    public Task<bool> TrySpendAsync(string signature, DateTimeOffset expires)
    {
        var ttl = expires - clock.GetUtcNow();
        return redis.GetDatabase().StringSetAsync($"{prefix}spent:{signature}", 1,
            ttl > TimeSpan.FromSeconds(1) ? ttl : TimeSpan.FromSeconds(1), When.NotExists);
    }
}
