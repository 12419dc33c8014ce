using Encore.BuildingBlocks;
using Encore.Contracts.Catalog;
using Encore.Inventory.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Inventory.Sync;

/// <summary>
/// Materializes the inventory's own rows from the catalog's read contract: when the catalog says
/// an event was published or changed, and on first use of a performance published before this
/// module existed. Seats keep their pool across refreshes; the rest is the catalog's to say.
/// </summary>
internal sealed class InventorySync(InventoryDbContext db, ICatalogInventorySource catalog, TimeProvider clock)
{
    /// <summary>Brings every performance of an event up to date; the caller saves.</summary>
    public async Task SyncEventAsync(Guid eventId, CancellationToken ct)
    {
        var current = await catalog.GetPerformanceIdsAsync(eventId, ct);
        var gone = await db.Performances.Where(p => p.EventId == eventId && !current.Contains(p.PerformanceId)).ToListAsync(ct);
        db.Performances.RemoveRange(gone);
        foreach (var performanceId in current) await SyncPerformanceAsync(performanceId, ct);
    }

    async Task SyncPerformanceAsync(Guid performanceId, CancellationToken ct)
    {
        var existing = await db.Performances
            .Include(p => p.Seats).Include(p => p.Standing).Include(p => p.Windows)
            .AsSplitQuery()
            .SingleOrDefaultAsync(p => p.PerformanceId == performanceId, ct);
        var source = await catalog.GetPerformanceAsync(performanceId, ct);
        if (source is null)
        {
            if (existing is not null) db.Performances.Remove(existing);
            return;
        }
        if (existing is null)
        {
            existing = new PerformanceInventory { PerformanceId = performanceId };
            db.Performances.Add(existing);
        }
        Apply(existing, source);
    }

    /// <summary>
    /// The performance's inventory, materialized now if it was published before this module saw it;
    /// null for drafts and unknown ids.
    /// </summary>
    public async Task<bool> EnsureAsync(Guid performanceId, CancellationToken ct)
    {
        if (await db.Performances.AnyAsync(p => p.PerformanceId == performanceId, ct)) return true;
        var source = await catalog.GetPerformanceAsync(performanceId, ct);
        if (source is null || source.State == CatalogSaleState.Draft) return false;
        var inventory = new PerformanceInventory { PerformanceId = performanceId };
        Apply(inventory, source);
        db.Performances.Add(inventory);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request (or the catalog event's consumer) materialized it first: theirs stands.
            db.ChangeTracker.Clear();
        }
        return true;
    }

    void Apply(PerformanceInventory inventory, PerformanceInventorySource source)
    {
        var price = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tier in source.Tiers)
            foreach (var section in tier.SectionCodes)
                price[section] = price.TryGetValue(section, out var cheaper) ? Math.Min(cheaper, tier.PriceMinor) : tier.PriceMinor;

        inventory.EventId = source.EventId;
        inventory.OrganizerId = source.OrganizerId;
        inventory.Published = source.State != CatalogSaleState.Draft;
        inventory.Cancelled = source.State == CatalogSaleState.Cancelled;
        inventory.MarkedSoldOut = source.MarkedSoldOut;
        inventory.StartsAt = source.StartsAt;
        inventory.Currency = source.Tiers.FirstOrDefault()?.Currency ?? "";
        inventory.TierLimit = source.Tiers.Count == 0 ? 0 : source.Tiers.Max(t => t.MaxPerOrder);
        inventory.SyncedAt = clock.GetUtcNow();

        var seats = inventory.Seats.ToDictionary(s => s.SeatId);
        foreach (var seat in source.Seats)
        {
            if (!seats.Remove(seat.SeatId, out var row))
            {
                row = new InventorySeat { PerformanceId = inventory.PerformanceId, SeatId = seat.SeatId };
                inventory.Seats.Add(row);
            }
            row.SectionCode = seat.SectionCode;
            row.RowLabel = seat.RowLabel;
            row.RowOrder = seat.RowOrder;
            row.SeatOrder = seat.Order;
            row.Label = seat.Label;
            row.X = seat.X;
            row.Y = seat.Y;
            row.Wheelchair = seat.Wheelchair;
            row.Companion = seat.Companion;
            row.RestrictedView = seat.RestrictedView;
            row.Aisle = seat.Aisle;
            row.PriceMinor = price.TryGetValue(seat.SectionCode, out var p) ? p : null;
        }
        foreach (var removed in seats.Values) inventory.Seats.Remove(removed);

        var standing = inventory.Standing.ToDictionary(s => s.SectionCode, StringComparer.Ordinal);
        foreach (var area in source.GeneralAdmission)
        {
            if (!standing.Remove(area.SectionCode, out var row))
            {
                row = new InventoryStanding { PerformanceId = inventory.PerformanceId, SectionCode = area.SectionCode };
                inventory.Standing.Add(row);
            }
            row.Name = area.Name;
            row.Capacity = area.Capacity;
            row.PriceMinor = price.TryGetValue(area.SectionCode, out var p) ? p : null;
        }
        foreach (var removed in standing.Values) inventory.Standing.Remove(removed);

        inventory.Windows.Clear();
        foreach (var window in source.Windows)
            inventory.Windows.Add(new InventoryWindow { Id = Ids.New(), PerformanceId = inventory.PerformanceId, StartsAt = window.StartsAt, EndsAt = window.EndsAt });
    }
}
