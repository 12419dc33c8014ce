using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Encore.BuildingBlocks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Encore.Identity.Throttling;

/// <summary>
/// Failed sign-ins counted per key (an account, an address) with exponential backoff: the first
/// <see cref="ThrottleRule.FreeFailures"/> failures cost nothing, each one after that blocks the key
/// for twice as long as the last, up to a cap. In process for one instance, Redis for several.
/// </summary>
internal interface ILoginThrottle
{
    /// <summary>How long until the key may try again; zero when it may now.</summary>
    Task<TimeSpan> RetryAfterAsync(string key, CancellationToken ct);

    Task<ThrottleState> RecordFailureAsync(string key, ThrottleRule rule, CancellationToken ct);

    Task ResetAsync(string key, CancellationToken ct);
}

internal sealed record ThrottleState(int Failures, TimeSpan RetryAfter);

internal sealed record ThrottleRule(int FreeFailures, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan Window)
{
    /// <summary>The block that the failure number <paramref name="failures"/> starts, or zero.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        if (failures <= FreeFailures) return TimeSpan.Zero;
        // 2^40 base delays is far past any sensible cap; the bound keeps the arithmetic finite.
        var doublings = Math.Min(failures - FreeFailures - 1, 40);
        var ticks = BaseDelay.Ticks * Math.Pow(2, doublings);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}

internal sealed class ThrottleOptions
{
    public const string Section = "Encore:Identity:Throttle";

    /// <summary>Per account: an attacker spreading guesses over many addresses still meets this.</summary>
    public RuleOptions Account { get; set; } = new() { FreeFailures = 5, BaseDelay = TimeSpan.FromSeconds(5) };

    /// <summary>Per address (IPv6 per /64): more lenient, since many people can share one NAT address.</summary>
    public RuleOptions Address { get; set; } = new() { FreeFailures = 20, BaseDelay = TimeSpan.FromSeconds(1) };

    /// <summary>Redis keys start with this; instances that must share the throttle share the prefix.</summary>
    public string KeyPrefix { get; set; } = "encore:login-throttle:";

    internal sealed class RuleOptions
    {
        public int FreeFailures { get; set; }
        public TimeSpan BaseDelay { get; set; }
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);
        /// <summary>Failures are forgotten this long after the last one.</summary>
        public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

        public ThrottleRule ToRule() => new(FreeFailures, BaseDelay, MaxDelay, Window);
    }
}

internal sealed class InProcessLoginThrottle(TimeProvider clock) : ILoginThrottle
{
    sealed record Entry(int Failures, DateTimeOffset BlockedUntil, DateTimeOffset ExpiresAt);

    readonly ConcurrentDictionary<string, Entry> entries = new();
    readonly SweepSchedule sweeps = new(clock);

    public Task<TimeSpan> RetryAfterAsync(string key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return Task.FromResult(entries.TryGetValue(key, out var e) && e.ExpiresAt > now && e.BlockedUntil > now
            ? e.BlockedUntil - now
            : TimeSpan.Zero);
    }

    public Task<ThrottleState> RecordFailureAsync(string key, ThrottleRule rule, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (sweeps.Due()) Sweep(now);
        var entry = entries.AddOrUpdate(key,
            _ => Next(0, rule, now),
            (_, e) => Next(e.ExpiresAt > now ? e.Failures : 0, rule, now));
        return Task.FromResult(new ThrottleState(entry.Failures, entry.BlockedUntil > now ? entry.BlockedUntil - now : TimeSpan.Zero));
    }

    public Task ResetAsync(string key, CancellationToken ct)
    {
        entries.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    static Entry Next(int failures, ThrottleRule rule, DateTimeOffset now) =>
        new(failures + 1, now + rule.DelayAfter(failures + 1), now + rule.Window);

    void Sweep(DateTimeOffset now)
    {
        foreach (var (key, e) in entries)
            if (e.ExpiresAt <= now) entries.TryRemove(key, out _);
    }
}

/// <summary>What the sign-in page and the login API ask: may this attempt go ahead, and what follows a failure.</summary>
internal sealed class LoginThrottling(ILoginThrottle throttle, IOptions<ThrottleOptions> options, AccountEmails emails, ILogger<LoginThrottling> log)
{
    readonly ThrottleOptions settings = options.Value;

    /// <summary>Zero when the attempt may go ahead, else how long the caller must wait.</summary>
    public async Task<TimeSpan> RetryAfterAsync(string email, IPAddress? address, CancellationToken ct)
    {
        var account = await throttle.RetryAfterAsync(AccountKey(email), ct);
        var ip = AddressKey(address) is { } key ? await throttle.RetryAfterAsync(key, ct) : TimeSpan.Zero;
        return account > ip ? account : ip;
    }

    public async Task RecordFailureAsync(string email, IPAddress? address, EncoreUser? user, CancellationToken ct)
    {
        var accountRule = settings.Account.ToRule();
        var state = await throttle.RecordFailureAsync(AccountKey(email), accountRule, ct);
        if (AddressKey(address) is { } key) await throttle.RecordFailureAsync(key, settings.Address.ToRule(), ct);
        // The first block of a series tells the owner, once: later failures only lengthen it.
        if (state.Failures == accountRule.FreeFailures + 1 && user?.Email is { } to)
        {
            log.LogWarning("Sign-in to account {UserId} paused after {Failures} failed attempts", user.Id, state.Failures);
            await emails.SendSignInPausedAsync(to, state.RetryAfter);
        }
    }

    public Task RecordSuccessAsync(string email, CancellationToken ct) => throttle.ResetAsync(AccountKey(email), ct);

    string AccountKey(string email) => settings.KeyPrefix + "account:" + email.Trim().ToUpperInvariant();

    string? AddressKey(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // One host usually holds a whole /64: counting per address would let it rotate freely.
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return settings.KeyPrefix + "ip:" + address;
    }
}
