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
        // Venues do not record a subdivision yet; US venues need one for tax (docs/orders.md).
        return new CheckoutEvent(ev.Id, ev.Slug, ev.Title, ev.OrganizerId, organizer.Name, venue.Name, venue.Address, venue.City,
            venue.CountryCode, null, venue.TimeZone, ev.Status == StoredEventStatus.Cancelled);
    }
}
