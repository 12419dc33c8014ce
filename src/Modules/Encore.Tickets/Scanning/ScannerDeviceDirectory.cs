using System.Collections.Concurrent;
using Encore.BuildingBlocks.Live;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Scanning;

/// <summary>A device allowed to scan: which event, under which name.</summary>
internal sealed record ActiveDevice(Guid Id, Guid EventId, string Name, DateTimeOffset LoadedAt);

/// <summary>
/// The scanner devices this instance has seen allowed, kept for <see cref="TicketsOptions.DeviceCache"/>
/// (a few seconds) so a gate's scans do not read the device row every time. A revocation removes the
/// device here at once and tells every instance through <see cref="ILiveBroadcast"/> (Redis pub/sub
/// when scaled), which drop it as soon as the message arrives; the message is a hint, so a lost one
/// delays the refusal on another instance by the cache time at most. Revoked and unknown devices
/// are never cached: they are read, and refused, every time.
/// </summary>
internal sealed class ScannerDeviceDirectory(ILiveBroadcast broadcast, TimeProvider clock, TicketsOptions options)
{
    public const string Channel = "tickets:devices";

    readonly ConcurrentDictionary<string, ActiveDevice> active = new(StringComparer.Ordinal);
    IDisposable? subscription;
    // Bumped by every revocation heard: a read that began before one is not cached.
    long revocations;

    /// <summary>The device behind a client id, or null when it is unknown or revoked.</summary>
    public async Task<ActiveDevice?> FindAsync(string clientId, TicketsDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (active.TryGetValue(clientId, out var cached) && now - cached.LoadedAt < options.DeviceCache) return cached;
        await SubscribeAsync();
        var before = Interlocked.Read(ref revocations);
        var row = await db.ScannerDevices.AsNoTracking().Where(d => d.ClientId == clientId)
            .Select(d => new { d.Id, d.EventId, d.Name, d.RevokedAt }).SingleOrDefaultAsync(ct);
        if (row is null || row.RevokedAt is not null)
        {
            active.TryRemove(clientId, out _);
            return null;
        }
        var device = new ActiveDevice(row.Id, row.EventId, row.Name, now);
        if (options.DeviceCache > TimeSpan.Zero && Volatile.Read(ref subscription) is not null && Interlocked.Read(ref revocations) == before) active[clientId] = device;
        return device;
    }

    /// <summary>Forgets a revoked device here and on every other instance.</summary>
    public async Task RevokedAsync(string clientId)
    {
        Forget(clientId);
        // A hint: when it cannot be sent, the others still drop the device within the cache time.
        try { await broadcast.PublishAsync(Channel, clientId); }
        catch (Exception) { }
    }

    void Forget(string clientId)
    {
        Interlocked.Increment(ref revocations);
        active.TryRemove(clientId, out _);
    }

    /// <summary>
    /// Listens for revocations before caching anything: without the subscription (Redis unreachable)
    /// nothing is cached, so every scan reads the device row as it did before the cache.
    /// </summary>
    async Task SubscribeAsync()
    {
        if (Volatile.Read(ref subscription) is not null) return;
        try
        {
            var made = await broadcast.SubscribeAsync(Channel, Forget);
            // Two first reads at once both subscribed: one listener is enough.
            if (Interlocked.CompareExchange(ref subscription, made, null) is not null) made.Dispose();
        }
        catch (Exception) { /* tried again on the next read */ }
    }
}
