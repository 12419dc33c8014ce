using Encore.Inventory.Model;

namespace Encore.Inventory.Holds;

internal sealed record LayoutSeat(
    Guid Id, string Section, string Row, int RowOrder, int Order, string Label, double X, double Y,
    bool Wheelchair, bool Companion, bool RestrictedView, bool Aisle, long? PriceMinor)
{
    /// <summary>No tier sells its section, so nobody can buy it.</summary>
    public bool Sellable => PriceMinor is not null;
}

internal sealed record LayoutRow(string Section, string Label, int RowOrder, IReadOnlyList<LayoutSeat> Seats);

internal sealed record LayoutStanding(string Section, string Name, int Capacity, long? PriceMinor);

/// <summary>A performance's inventory as the hold path reads it: immutable, cached for a few seconds per instance.</summary>
internal sealed class PerformanceLayout
{
    public required Guid PerformanceId { get; init; }
    public required Guid EventId { get; init; }
    public required Guid OrganizerId { get; init; }
    public required string Currency { get; init; }
    public required bool Published { get; init; }
    public required bool Cancelled { get; init; }
    public required bool MarkedSoldOut { get; init; }
    public required DateTimeOffset StartsAt { get; init; }
    public required IReadOnlyList<(DateTimeOffset Starts, DateTimeOffset Ends)> Windows { get; init; }
    public required TimeSpan HoldTtl { get; init; }
    public required int BuyerLimit { get; init; }
    public required IReadOnlyDictionary<Guid, LayoutSeat> Seats { get; init; }
    public required IReadOnlyList<LayoutRow> Rows { get; init; }
    public required IReadOnlyDictionary<string, LayoutStanding> Standing { get; init; }
    /// <summary>Organizer blocks as the database last recorded them; the hold store is the live truth.</summary>
    public required IReadOnlyDictionary<Guid, InventoryPool> PoolSeats { get; init; }

    /// <summary>Why nothing may be held now, or null when holds are open.</summary>
    public (string Title, string Detail)? NotOnSale(DateTimeOffset now)
    {
        if (Cancelled) return ("Event cancelled", "This event was cancelled; nothing can be held.");
        if (!Published) return ("Not on sale", "This event is not published.");
        if (StartsAt <= now) return ("Not on sale", "This performance has started.");
        if (MarkedSoldOut) return ("Sold out", "The organizer has marked this event sold out.");
        if (!Windows.Any(w => w.Starts <= now && now < w.Ends)) return ("Not on sale", "No on-sale window is open for this event now.");
        return null;
    }

    public static PerformanceLayout From(PerformanceInventory inventory, EventHoldSettings? settings, InventoryOptions options)
    {
        var seats = inventory.Seats
            .Select(s => new LayoutSeat(s.SeatId, s.SectionCode, s.RowLabel, s.RowOrder, s.SeatOrder, s.Label, s.X, s.Y,
                s.Wheelchair, s.Companion, s.RestrictedView, s.Aisle, s.PriceMinor))
            .ToDictionary(s => s.Id);
        var rows = seats.Values
            .GroupBy(s => (s.Section, s.Row, s.RowOrder))
            .Select(g => new LayoutRow(g.Key.Section, g.Key.Row, g.Key.RowOrder, g.OrderBy(s => s.Order).ToList()))
            .OrderBy(r => r.Section, StringComparer.Ordinal).ThenBy(r => r.RowOrder)
            .ToList();
        return new PerformanceLayout
        {
            PerformanceId = inventory.PerformanceId,
            EventId = inventory.EventId,
            OrganizerId = inventory.OrganizerId,
            Currency = inventory.Currency,
            Published = inventory.Published,
            Cancelled = inventory.Cancelled,
            MarkedSoldOut = inventory.MarkedSoldOut,
            StartsAt = inventory.StartsAt,
            Windows = inventory.Windows.Select(w => (w.StartsAt, w.EndsAt)).ToList(),
            HoldTtl = TimeSpan.FromMinutes(settings?.HoldMinutes ?? options.HoldMinutes),
            BuyerLimit = Math.Max(1, settings?.TicketLimit ?? inventory.TierLimit),
            Seats = seats,
            Rows = rows,
            Standing = inventory.Standing.ToDictionary(
                s => s.SectionCode, s => new LayoutStanding(s.SectionCode, s.Name, s.Capacity, s.PriceMinor), StringComparer.Ordinal),
            PoolSeats = inventory.Seats.Where(s => s.Pool is not null).ToDictionary(s => s.SeatId, s => s.Pool!.Value),
        };
    }
}
