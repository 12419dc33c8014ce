using System.Collections.Concurrent;
using Encore.Contracts.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.WaitingRoom.Queue;

/// <summary>
/// What every request of an on-sale asks first, kept in memory per instance: an event's queue
/// settings (for a few seconds, so an organizer's change shows everywhere soon) and an event's
/// organizer (which never changes). A hold on an event without a queue therefore costs one
/// dictionary lookup here.
/// </summary>
internal sealed class QueueDirectory(IServiceScopeFactory scopes, TimeProvider clock, WaitingRoomOptions options)
{
    static readonly TimeSpan MappingLifetime = TimeSpan.FromMinutes(10);
    readonly ConcurrentDictionary<Guid, (QueueSettings? Settings, DateTimeOffset Until)> settings = new();
    readonly ConcurrentDictionary<Guid, (Guid? OrganizerId, DateTimeOffset Until)> organizers = new();
    (IReadOnlyList<QueueSettings> Running, DateTimeOffset Until) running = ([], DateTimeOffset.MinValue);

    public async ValueTask<QueueSettings?> SettingsAsync(Guid eventId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (settings.TryGetValue(eventId, out var cached) && now < cached.Until) return cached.Settings;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaitingRoomDbContext>();
        var found = await db.Queues.AsNoTracking().SingleOrDefaultAsync(q => q.EventId == eventId, ct);
        settings[eventId] = (found, now.AddSeconds(options.SettingsCacheSeconds));
        return found;
    }

    /// <summary>After an organizer's change on this instance; other instances see it within the cache time.</summary>
    public void Invalidate(Guid eventId)
    {
        settings.TryRemove(eventId, out _);
        running = ([], DateTimeOffset.MinValue);
    }

    /// <summary>Queues whose on-sale has started (within the last 30 days): the ones the advancer moves.</summary>
    public async ValueTask<IReadOnlyList<QueueSettings>> RunningAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < running.Until) return running.Running.Where(q => q.StartsAt <= now).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaitingRoomDbContext>();
        // A little ahead, so a queue starting before the next refresh is already in the list.
        var horizon = now.AddSeconds(options.SettingsCacheSeconds + 1);
        var since = now.AddDays(-30);
        var list = await db.Queues.AsNoTracking().Where(q => q.StartsAt <= horizon && q.StartsAt >= since).ToListAsync(ct);
        running = (list, now.AddSeconds(Math.Max(1, options.SettingsCacheSeconds)));
        return list.Where(q => q.StartsAt <= now).ToList();
    }

    /// <summary>The organizer of an event, learned from any of its performances; null for an unknown event or one without performances.</summary>
    public async ValueTask<Guid?> OrganizerOfAsync(Guid eventId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (organizers.TryGetValue(eventId, out var cached) && now < cached.Until && cached.OrganizerId is not null) return cached.OrganizerId;
        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<ICatalogInventorySource>();
        foreach (var performanceId in await catalog.GetPerformanceIdsAsync(eventId, ct))
        {
            if (await catalog.GetPerformanceAsync(performanceId, ct) is not { } source) continue;
            organizers[eventId] = (source.OrganizerId, now + MappingLifetime);
            return source.OrganizerId;
        }
        return null;
    }
}
