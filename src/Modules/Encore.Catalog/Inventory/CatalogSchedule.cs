using Encore.Catalog.Events;
using Encore.Contracts.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Inventory;

/// <summary>The catalog's side of the schedule contract (Tickets): one performance with its event and venue names.</summary>
internal sealed class CatalogSchedule(CatalogDbContext db) : ICatalogSchedule
{
    public async Task<PerformanceSchedule?> GetPerformanceScheduleAsync(Guid performanceId, CancellationToken cancellationToken) =>
        await (from p in db.Performances.AsNoTracking()
               join e in db.Events.AsNoTracking() on p.EventId equals e.Id
               join v in db.Venues.AsNoTracking() on e.VenueId equals v.Id
               where p.Id == performanceId
               select new PerformanceSchedule(p.Id, e.Id, e.OrganizerId, e.Title, v.Name, v.City, p.TimeZone,
                   p.DoorsAtUtc, p.StartsAtUtc, p.EndsAtUtc, e.Status == StoredEventStatus.Cancelled))
            .SingleOrDefaultAsync(cancellationToken);

    public async Task<Guid?> GetEventOrganizerAsync(Guid eventId, CancellationToken cancellationToken) =>
        await db.Events.AsNoTracking().Where(e => e.Id == eventId).Select(e => (Guid?)e.OrganizerId).SingleOrDefaultAsync(cancellationToken);
}
