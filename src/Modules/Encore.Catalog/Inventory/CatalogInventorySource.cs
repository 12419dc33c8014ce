using Encore.Catalog.Events;
using Encore.Catalog.Venues;
using Encore.Contracts.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Inventory;

/// <summary>The catalog's side of the inventory read contract: plain queries over its own tables.</summary>
internal sealed class CatalogInventorySource(CatalogDbContext db) : ICatalogInventorySource
{
    public async Task<PerformanceInventorySource?> GetPerformanceAsync(Guid performanceId, CancellationToken cancellationToken)
    {
        var performance = await db.Performances.AsNoTracking().SingleOrDefaultAsync(p => p.Id == performanceId, cancellationToken);
        if (performance is null) return null;
        // One round trip each, said explicitly: an event's tiers and windows are a handful (their
        // product stays small), and rows then seats is a chain, one result row per seat.
        var ev = await db.Events.AsNoTracking().Include(e => e.Tiers).Include(e => e.Windows).AsSingleQuery()
            .SingleAsync(e => e.Id == performance.EventId, cancellationToken);
        var sections = await db.Sections.AsNoTracking().Where(s => s.VenueId == ev.VenueId)
            .Include(s => s.Rows).ThenInclude(r => r.Seats).AsSingleQuery()
            .OrderBy(s => s.Order).ToListAsync(cancellationToken);

        var seats = sections.Where(s => s.Kind == SectionKind.Reserved)
            .SelectMany(s => s.Rows.SelectMany(r => r.Seats.Select(seat => new SourceSeat(
                seat.Id, s.Code, r.Label, r.Order, seat.Order, seat.Label, seat.X, seat.Y,
                seat.Wheelchair, seat.Companion, seat.RestrictedView, seat.Aisle, s.PriceZone))))
            .ToList();
        var standing = sections.Where(s => s.Kind == SectionKind.GeneralAdmission)
            .Select(s => new SourceGeneralAdmission(s.Code, s.Name, s.Capacity ?? 0, s.PriceZone))
            .ToList();
        var tiers = Tiers(ev, sections.Select(s => (s.Code, s.PriceZone)).ToList());
        var windows = ev.Windows.Select(w => new SourceSaleWindow(w.StartsAt, w.EndsAt, w.HasAccessCode)).ToList();
        var state = ev.Status switch
        {
            StoredEventStatus.Published => CatalogSaleState.Published,
            StoredEventStatus.Cancelled => CatalogSaleState.Cancelled,
            _ => CatalogSaleState.Draft,
        };
        return new PerformanceInventorySource(performance.Id, ev.Id, ev.OrganizerId, state, ev.SoldOut, performance.StartsAtUtc,
            seats, standing, tiers, windows);
    }

    public async Task<PerformanceTiers?> GetTiersAsync(Guid performanceId, CancellationToken cancellationToken)
    {
        var eventId = await db.Performances.AsNoTracking().Where(p => p.Id == performanceId).Select(p => (Guid?)p.EventId).SingleOrDefaultAsync(cancellationToken);
        if (eventId is null) return null;
        var ev = await db.Events.AsNoTracking().Include(e => e.Tiers).SingleAsync(e => e.Id == eventId, cancellationToken);
        // Only a price-zone tier needs the venue's sections, and then only their codes and zones.
        var sections = ev.Tiers.Any(t => t.PriceZone is not null)
            ? (await db.Sections.AsNoTracking().Where(s => s.VenueId == ev.VenueId).OrderBy(s => s.Order)
                .Select(s => new { s.Code, s.PriceZone }).ToListAsync(cancellationToken)).Select(s => (s.Code, s.PriceZone)).ToList()
            : [];
        return new PerformanceTiers(performanceId, ev.Id, Tiers(ev, sections));
    }

    static List<SourceTier> Tiers(Event ev, IReadOnlyList<(string Code, string PriceZone)> sections) =>
        ev.Tiers.Select(t => new SourceTier(
                t.Id, t.Name, t.PriceMinor, t.Currency,
                t.PriceZone is { } zone ? sections.Where(s => s.PriceZone == zone).Select(s => s.Code).ToList() : t.Sections,
                t.MaxPerOrder))
            .ToList();

    public async Task<IReadOnlyList<Guid>> GetPerformanceIdsAsync(Guid eventId, CancellationToken cancellationToken) =>
        await db.Performances.AsNoTracking().Where(p => p.EventId == eventId).Select(p => p.Id).ToListAsync(cancellationToken);

    public Task<bool> IsOrganizerMemberAsync(Guid organizerId, Guid userId, CancellationToken cancellationToken) =>
        db.OrganizerMembers.AsNoTracking().AnyAsync(m => m.OrganizerId == organizerId && m.UserId == userId, cancellationToken);
}
