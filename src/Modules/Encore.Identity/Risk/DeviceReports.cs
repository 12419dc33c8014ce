using System.Collections.Concurrent;
using System.Text.Json;
using Encore.BuildingBlocks;
using StackExchange.Redis;

namespace Encore.Identity.Risk;

/// <summary>What the browser's script said about itself (FingerprintJS visitor id, BotD verdict, navigator.webdriver).</summary>
/// <param name="AccountsOnVisitor">How many accounts signed in from this visitor id in the last day, when known.</param>
internal sealed record DeviceReport(string VisitorId, bool Bot, string? BotKind, bool Webdriver, int AccountsOnVisitor, DateTimeOffset ReportedAt);

/// <summary>
/// Device reports by device id, kept a day. In process when embedded; in Redis when scaled, so the
/// instance that scores a hold sees what the browser reported to another.
/// </summary>
internal interface IDeviceReports
{
    Task SaveAsync(Guid deviceId, DeviceReport report);

    Task<DeviceReport?> GetAsync(Guid deviceId);

    /// <summary>Records that an account used this visitor id; answers how many distinct accounts did in the last day.</summary>
    Task<int> NoteAccountAsync(string visitorId, Guid userId);
}

internal static class DeviceReportLifetime
{
    public static readonly TimeSpan Value = TimeSpan.FromDays(1);
}

internal sealed class InProcessDeviceReports(TimeProvider clock) : IDeviceReports
{
    const int AccountsKept = 200_000;
    readonly ConcurrentDictionary<Guid, DeviceReport> reports = new();
    readonly SweepSchedule sweeps = new(clock);
    readonly SweepSchedule accountSweeps = new(clock);
    readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, DateTimeOffset>> accounts = new(StringComparer.Ordinal);

    public Task SaveAsync(Guid deviceId, DeviceReport report)
    {
        if (sweeps.Due())
            foreach (var (id, r) in reports)
                if (clock.GetUtcNow() - r.ReportedAt > DeviceReportLifetime.Value) reports.TryRemove(id, out _);
        reports[deviceId] = report;
        return Task.CompletedTask;
    }

    public Task<DeviceReport?> GetAsync(Guid deviceId) =>
        Task.FromResult(reports.TryGetValue(deviceId, out var r) && clock.GetUtcNow() - r.ReportedAt <= DeviceReportLifetime.Value ? r : null);

    public Task<int> NoteAccountAsync(string visitorId, Guid userId)
    {
        var now = clock.GetUtcNow();
        if (accountSweeps.Due() && accounts.Count > AccountsKept) accounts.Clear();
        var seen = accounts.GetOrAdd(visitorId, _ => new());
        seen[userId] = now;
        foreach (var (id, at) in seen)
            if (now - at > DeviceReportLifetime.Value) seen.TryRemove(id, out _);
        return Task.FromResult(seen.Count);
    }
}

internal sealed class RedisDeviceReports(IConnectionMultiplexer redis, TimeProvider clock, string prefix) : IDeviceReports
{
    // A sorted set of account ids scored by when they were seen: old members drop out, the rest are counted, in one step.
    const string NoteScript = """
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return redis.call('ZCARD', KEYS[1])
        """;

    public Task SaveAsync(Guid deviceId, DeviceReport report) =>
        redis.GetDatabase().StringSetAsync($"{prefix}dev:{deviceId:N}", JsonSerializer.Serialize(report), DeviceReportLifetime.Value);

    public async Task<DeviceReport?> GetAsync(Guid deviceId)
    {
        var value = await redis.GetDatabase().StringGetAsync($"{prefix}dev:{deviceId:N}");
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<DeviceReport>(value.ToString());
    }

    public async Task<int> NoteAccountAsync(string visitorId, Guid userId)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(NoteScript, [$"{prefix}visitor:{visitorId}"],
            [clock.GetUtcNow().ToUnixTimeMilliseconds(), userId.ToString("N"), (long)DeviceReportLifetime.Value.TotalMilliseconds]);
        return (int)result;
    }
}
