using System.Collections.Concurrent;
using Encore.Contracts.Catalog;
using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tickets.Issuance;

/// <summary>
/// The performances Tickets admits to, copied from the catalog when tickets are issued (and again
/// when the catalog says the event changed), so a scan reads its own table, cached briefly per instance.
/// </summary>
internal sealed class Schedules(IServiceScopeFactory scopes, TimeProvider clock, TicketsOptions options)
{
    readonly ConcurrentDictionary<Guid, TicketPerformance> cache = new();

    /// <summary>Copies (or refreshes) the catalog's schedule into the context; false when the catalog does not know it.</summary>
    public static async Task<bool> CopyAsync(TicketsDbContext db, ICatalogSchedule catalog, Guid performanceId, DateTimeOffset now, CancellationToken ct)
    {
        if (await catalog.GetPerformanceScheduleAsync(performanceId, ct) is not { } s) return false;
        var row = await db.Performances.SingleOrDefaultAsync(p => p.PerformanceId == performanceId, ct);
        if (row is null) db.Performances.Add(row = new TicketPerformance { PerformanceId = performanceId });
        row.EventId = s.EventId;
        row.OrganizerId = s.OrganizerId;
        row.EventTitle = s.EventTitle.Length > 200 ? s.EventTitle[..200] : s.EventTitle;
        row.VenueName = s.VenueName.Length > 200 ? s.VenueName[..200] : s.VenueName;
        row.VenueCity = s.VenueCity.Length > 200 ? s.VenueCity[..200] : s.VenueCity;
        row.TimeZone = s.TimeZone;
        row.DoorsAt = s.DoorsAt;
        row.StartsAt = s.StartsAt;
        row.EndsAt = s.EndsAt;
        row.RefreshedAt = now;
        return true;
    }

    public async Task<TicketPerformance?> FindAsync(Guid performanceId, CancellationToken ct)
    {
        if (cache.TryGetValue(performanceId, out var cached) && clock.GetUtcNow() - cached.RefreshedAt < options.KeyCacheSeconds) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
        var row = await db.Performances.AsNoTracking().SingleOrDefaultAsync(p => p.PerformanceId == performanceId, ct);
        if (row is null)
        {
            // Issued before the catalog knew it (or the copy failed): ask the catalog now.
            if (!await CopyAsync(db, scope.ServiceProvider.GetRequiredService<ICatalogSchedule>(), performanceId, clock.GetUtcNow(), ct)) return null;
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); }
            row = await db.Performances.AsNoTracking().SingleOrDefaultAsync(p => p.PerformanceId == performanceId, ct);
            if (row is null) return null;
        }
        // The cache's clock is this instance's, not the row's refresh time.
        var copy = new TicketPerformance
        {
            PerformanceId = row.PerformanceId, EventId = row.EventId, OrganizerId = row.OrganizerId, EventTitle = row.EventTitle,
            VenueName = row.VenueName, VenueCity = row.VenueCity, TimeZone = row.TimeZone,
            DoorsAt = row.DoorsAt, StartsAt = row.StartsAt, EndsAt = row.EndsAt, RefreshedAt = clock.GetUtcNow(),
        };
        cache[performanceId] = copy;
        return copy;
    }

    public void Forget(Guid performanceId) => cache.TryRemove(performanceId, out _);
}
