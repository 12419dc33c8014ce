using Encore.Catalog.Events;
using Encore.Contracts.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Inventory;

/// <summary>The catalog's side of checkout's read contract: the event, its venue and organizer.</summary>
internal sealed class CatalogCheckoutSource(CatalogDbContext db) : ICatalogCheckoutSource
{
    public async Task<CheckoutEvent?> GetEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var ev = await db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.Id == eventId, cancellationToken);
        if (ev is null) return null;
        var venue = await db.Venues.AsNoTracking().SingleAsync(v => v.Id == ev.VenueId, cancellationToken);
        var organizer = await db.Organizers.AsNoTracking().SingleAsync(o => o.Id == ev.OrganizerId, cancellationToken);
        return new CheckoutEvent(ev.Id, ev.Slug, ev.Title, ev.OrganizerId, organizer.Name, venue.Name, venue.Address, venue.City,
            venue.CountryCode, SubdivisionOf(venue.Region), venue.TimeZone, ev.Status == StoredEventStatus.Cancelled);
    }

    /// <summary>The contract's region is the subdivision without its country: "US-NY" → "NY".</summary>
    public static string? SubdivisionOf(string? region) => region is { Length: > 3 } ? region[3..] : null;
}
