using System.Collections.Concurrent;
using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Live;

namespace Encore.Identity.Risk;

/// <summary>
/// Device reports as this instance last read them, a missing report included, kept for
/// <see cref="CacheTime"/>. Every gated request (a challenge, a hold, a queue join) scores its device,
/// while a device reports once per browser session, and clients that never report (scripts, the
/// benchmarks' buyers) made every gated request a Redis read. A new report is announced to every
/// instance through <see cref="ILiveBroadcast"/> (Redis pub/sub when scaled) before the reporting
/// request is answered, and each instance drops its copy when the announcement arrives; the message
/// is a hint, so a lost one leaves an old copy for the cache time at most. Without the subscription
/// (Redis unreachable) nothing is cached and every request reads the store.
/// </summary>
internal sealed class KnownDevices(IDeviceReports reports, ILiveBroadcast broadcast, TimeProvider clock)
{
    public const string Channel = "identity:device-reports";
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(60);
    const int SweepAbove = 100_000;

    sealed record Known(DeviceReport? Report, long ReadAt);

    readonly ConcurrentDictionary<Guid, Known> known = new();
    readonly SweepSchedule sweeps = new(clock, CacheTime);
    IDisposable? subscription;
    // Bumped by every announcement heard: a read that began before one is not kept.
    long announcements;

    public async ValueTask<DeviceReport?> FindAsync(Guid deviceId)
    {
        if (known.TryGetValue(deviceId, out var entry) && clock.GetElapsedTime(entry.ReadAt) < CacheTime) return entry.Report;
        await SubscribeAsync();
        var before = Interlocked.Read(ref announcements);
        var readAt = clock.GetTimestamp();
        var report = await reports.GetAsync(deviceId);
        if (Volatile.Read(ref subscription) is not null && Interlocked.Read(ref announcements) == before)
        {
            known[deviceId] = new Known(report, readAt);
            SweepIfDue(readAt);
        }
        return report;
    }

    /// <summary>The device reported again: this instance and every other score the new report from their next request on.</summary>
    public async Task ReportedAsync(Guid deviceId)
    {
        var message = deviceId.ToString("N");
        Forget(message);
        // A hint: when it cannot be sent, the others still read the new report within the cache time.
        try { await broadcast.PublishAsync(Channel, message); }
        catch (Exception) { }
    }

    void Forget(string message)
    {
        Interlocked.Increment(ref announcements);
        if (Guid.TryParseExact(message, "N", out var deviceId)) known.TryRemove(deviceId, out _);
    }

    /// <summary>
    /// Drops expired copies once per cache time, by one reader (a dictionary's count takes all its
    /// locks: not something every read should do).
    /// </summary>
    void SweepIfDue(long now)
    {
        if (!sweeps.Due()) return;
        foreach (var (id, entry) in known)
            if (clock.GetElapsedTime(entry.ReadAt, now) >= CacheTime) known.TryRemove(id, out _);
        // More devices than that within the cache time: start again rather than keep them all.
        if (known.Count > SweepAbove) known.Clear();
    }

    /// <summary>Listens for announcements before caching anything; tried again on the next read when it fails.</summary>
    async Task SubscribeAsync()
    {
        if (Volatile.Read(ref subscription) is not null) return;
        try
        {
            var made = await broadcast.SubscribeAsync(Channel, Forget);
            // Two first reads at once both subscribed: one listener is enough.
            if (Interlocked.CompareExchange(ref subscription, made, null) is not null) made.Dispose();
        }
        catch (Exception) { }
    }
}
