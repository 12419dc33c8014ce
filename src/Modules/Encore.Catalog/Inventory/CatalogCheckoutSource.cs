using Encore.Catalog.Events;
using Encore.Contracts.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Inventory;

/// <summary>The catalog's side of checkout's read contract: the event, its venue and organizer.</summary>
internal sealed class CatalogCheckoutSource(CatalogDbContext db) : ICatalogCheckoutSource
{
    public async Task<CheckoutEvent?> GetEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        // One round trip: checkout asks this for every order it creates.
        var found = await (
            from e in db.Events.AsNoTracking()
            where e.Id == eventId
            join v in db.Venues.AsNoTracking() on e.VenueId equals v.Id
            join o in db.Organizers.AsNoTracking() on e.OrganizerId equals o.Id
            select new { e.Id, e.Slug, e.Title, e.OrganizerId, Organizer = o.Name, Venue = v.Name, v.Address, v.City, v.CountryCode, v.Region, v.TimeZone, e.Status })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null) return null;
        return new CheckoutEvent(found.Id, found.Slug, found.Title, found.OrganizerId, found.Organizer, found.Venue, found.Address, found.City,
            found.CountryCode, SubdivisionOf(found.Region), found.TimeZone, found.Status == StoredEventStatus.Cancelled);
    }

    /// <summary>The contract's region is the subdivision without its country: "US-NY" → "NY".</summary>
    public static string? SubdivisionOf(string? region) => region is { Length: > 3 } ? region[3..] : null;
}
