using Encore.Contracts.Catalog;
using Encore.Contracts.Inventory;
using Encore.Inventory.Holds;

namespace Encore.Inventory.Checkout;

/// <summary>
/// The inventory's side of checkout's contract: a live hold with the tier each place sells under.
/// A place sells under the cheapest tier selling its section, the same rule that set its price in
/// the inventory (Sync/InventorySync.cs); the tier is read from the catalog at this moment, so a
/// price the organizer just changed is the price charged, and the order shows it before payment.
/// </summary>
internal sealed class HoldCheckout(IHoldStore store, HoldService holds, ICatalogInventorySource catalog) : IHoldCheckout
{
    public async Task<CheckoutHold?> GetLiveHoldAsync(Guid holdId, Guid buyerId, CancellationToken cancellationToken)
    {
        var hold = await store.GetAsync(holdId, cancellationToken);
        if (hold is null || hold.BuyerId != buyerId) return null;
        var layout = await holds.LayoutAsync(hold.PerformanceId, cancellationToken);
        // The tiers alone: the seats are in the layout already, and a 20,000-seat venue read per order was most of an order's cost.
        var source = await catalog.GetTiersAsync(hold.PerformanceId, cancellationToken);
        if (layout is null || source is null) return null;

        var tiers = new Dictionary<string, SourceTier>(StringComparer.Ordinal);
        foreach (var tier in source.Tiers.OrderBy(t => t.PriceMinor).ThenBy(t => t.Name, StringComparer.Ordinal))
            foreach (var section in tier.SectionCodes)
                tiers.TryAdd(section, tier);

        var items = new List<CheckoutHoldItem>();
        foreach (var seatId in hold.SeatIds)
        {
            if (!layout.Seats.TryGetValue(seatId, out var seat) || !tiers.TryGetValue(seat.Section, out var tier)) return null;
            items.Add(new CheckoutHoldItem(seat.Id, seat.Section, seat.Section, seat.Row, seat.Label, 1, 0, tier.TierId, tier.Name, tier.PriceMinor));
        }
        if (hold.Section is { } code)
        {
            if (!layout.Standing.TryGetValue(code, out var area) || !tiers.TryGetValue(code, out var tier)) return null;
            items.Add(new CheckoutHoldItem(null, code, area.Name, null, null, hold.Quantity, area.Capacity, tier.TierId, tier.Name, tier.PriceMinor));
        }
        if (items.Count == 0) return null;
        return new CheckoutHold(hold.Id, hold.BuyerId, hold.PerformanceId, layout.EventId, layout.OrganizerId, layout.Currency,
            hold.FencingToken, hold.ExpiresAt, layout.StartsAt, items);
    }

    public async Task<bool> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken cancellationToken) =>
        await store.ReleaseAsync(holdId, buyerId, cancellationToken) is not null;
}
