using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Caching.Memory;

namespace Encore.BuildingBlocks.Http;

/// <summary>
/// Signed, stateless tokens this instance verified lately, with what each one proved. Verifying such
/// a token (a signature, a JSON parse) gives the same answer for the same text until it expires, so a
/// client sending one token many times a minute — a gate's scanner, a buyer holding seats — has it
/// verified once. Whatever the token does not say (a revoked device, an admission ended early) is
/// still checked per request by the code that needs it.
/// </summary>
public sealed class VerifiedTokens<T>(TimeProvider clock, int capacity) : IDisposable where T : class
{
    /// <summary>
    /// Bounds how long a token stays accepted after the key that signed it was withdrawn in an
    /// emergency (keys are otherwise published until the last token they signed has expired).
    /// </summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);

    // The cache's own clock only decides when entries are tidied away; whether one is still good is
    // decided against the TimeProvider, in TryGet. A full cache only verifies more often.
    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.25 });

    sealed record Entry(T Value, DateTimeOffset Until);

    public bool TryGet(string token, [NotNullWhen(true)] out T? value)
    {
        value = null;
        if (!cache.TryGetValue(token, out Entry? entry) || entry is null) return false;
        if (clock.GetUtcNow() >= entry.Until)
        {
            cache.Remove(token);
            return false;
        }
        value = entry.Value;
        return true;
    }

    /// <summary>Keeps what a token proved until it expires, <see cref="KeepFor"/> at most.</summary>
    public void Remember(string token, T value, DateTimeOffset expires)
    {
        var now = clock.GetUtcNow();
        var until = expires < now + KeepFor ? expires : now + KeepFor;
        if (until <= now) return;
        cache.Set(token, new Entry(value, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
    }

    public void Dispose() => cache.Dispose();
}
