using System.Text.Json.Serialization;

namespace Encore.Inventory.Model;

/// <summary>Blocks of seats an organizer keeps out of public sale.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InventoryPool>))]
public enum InventoryPool
{
    [JsonStringEnumMemberName("artist")] Artist = 1,
    [JsonStringEnumMemberName("boxOffice")] BoxOffice = 2,
    [JsonStringEnumMemberName("accessibility")] Accessibility = 3,
}

/// <summary>
/// One performance's inventory, materialized from the catalog's read contract. The catalog owns
/// what the venue is; this row and its children are the inventory's own copy, refreshed when the
/// catalog says the event changed.
/// </summary>
internal sealed class PerformanceInventory
{
    public Guid PerformanceId { get; set; }
    public Guid EventId { get; set; }
    public Guid OrganizerId { get; set; }
    public bool Published { get; set; }
    public bool Cancelled { get; set; }
    public bool MarkedSoldOut { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public string Currency { get; set; } = "";
    /// <summary>The largest max-per-order of the event's tiers: the per-buyer limit unless the event sets its own.</summary>
    public int TierLimit { get; set; }
    public DateTimeOffset SyncedAt { get; set; }
    public List<InventorySeat> Seats { get; set; } = [];
    public List<InventoryStanding> Standing { get; set; } = [];
    public List<InventoryWindow> Windows { get; set; } = [];
}

internal sealed class InventorySeat
{
    public Guid PerformanceId { get; set; }
    public Guid SeatId { get; set; }
    public string SectionCode { get; set; } = "";
    public string RowLabel { get; set; } = "";
    public int RowOrder { get; set; }
    public int SeatOrder { get; set; }
    public string Label { get; set; } = "";
    public double X { get; set; }
    public double Y { get; set; }
    public bool Wheelchair { get; set; }
    public bool Companion { get; set; }
    public bool RestrictedView { get; set; }
    public bool Aisle { get; set; }
    /// <summary>The cheapest tier selling this seat's section; null when no tier sells it.</summary>
    public long? PriceMinor { get; set; }
    /// <summary>Null: in the public pool.</summary>
    public InventoryPool? Pool { get; set; }
}

internal sealed class InventoryStanding
{
    public Guid PerformanceId { get; set; }
    public string SectionCode { get; set; } = "";
    public string Name { get; set; } = "";
    public int Capacity { get; set; }
    public long? PriceMinor { get; set; }
}

internal sealed class InventoryWindow
{
    public Guid Id { get; set; }
    public Guid PerformanceId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
}

/// <summary>What an organizer sets for an event's holds; absent means the defaults.</summary>
internal sealed class EventHoldSettings
{
    public Guid EventId { get; set; }
    public int HoldMinutes { get; set; }
    /// <summary>Most tickets one buyer may hold per performance; null: the tiers' max per order.</summary>
    public int? TicketLimit { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// The advisory-lock hold store's rows (Holds/AdvisoryLockHoldStore.cs, PostgreSQL only): the design
// Hi.Events uses, kept beside the Redis store so the benchmark compares them on the same contract.

internal sealed class LockPerformance
{
    public Guid PerformanceId { get; set; }
    /// <summary>The last fencing token handed out.</summary>
    public long Fence { get; set; }
}

internal sealed class LockHold
{
    public Guid HoldId { get; set; }
    public Guid PerformanceId { get; set; }
    public Guid BuyerId { get; set; }
    /// <summary>The held seats in request order, comma-separated; lock_hold_seats holds one row per seat.</summary>
    public string SeatIds { get; set; } = "";
    public string? Section { get; set; }
    public int Quantity { get; set; }
    public long FencingToken { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public long TtlMilliseconds { get; set; }
    public bool Extended { get; set; }
}

internal sealed class LockHoldSeat
{
    public Guid PerformanceId { get; set; }
    public Guid SeatId { get; set; }
    public Guid HoldId { get; set; }
}

internal sealed class LockPoolSeat
{
    public Guid PerformanceId { get; set; }
    public Guid SeatId { get; set; }
    public InventoryPool Pool { get; set; }
}

/// <summary>What a hold that expired had claimed, kept until the live feed takes it (TakeExpiredAsync).</summary>
internal sealed class LockExpiredHold
{
    public long Id { get; set; }
    public Guid PerformanceId { get; set; }
    public string SeatIds { get; set; } = "";
    public string? Section { get; set; }
}

internal sealed class LockHoldKey
{
    public Guid PerformanceId { get; set; }
    public Guid BuyerId { get; set; }
    public string Key { get; set; } = "";
    public Guid HoldId { get; set; }
    public string RequestHash { get; set; } = "";
    public DateTimeOffset Until { get; set; }
}

/// <summary>
/// A seat or standing place sold by an order (from Orders' OrderPaid), until a refund puts it back on
/// sale. The hold stores are told, so a sold place is never offered or held again; this table is
/// what they are loaded from when they lost their state.
/// </summary>
internal sealed class SoldPlace
{
    public Guid AdmissionId { get; set; }
    public Guid PerformanceId { get; set; }
    public Guid OrderId { get; set; }
    /// <summary>Who bought it: the per-buyer limit counts what a buyer bought as well as what they hold.</summary>
    public Guid BuyerId { get; set; }
    /// <summary>Null for a standing place.</summary>
    public Guid? SeatId { get; set; }
    public string SectionCode { get; set; } = "";
    public DateTimeOffset SoldAt { get; set; }
}

internal sealed class LockSoldSeat
{
    public Guid PerformanceId { get; set; }
    public Guid SeatId { get; set; }
}

internal sealed class LockSoldStanding
{
    public Guid PerformanceId { get; set; }
    public string Section { get; set; } = "";
    public int Sold { get; set; }
}

/// <summary>Places a buyer bought on a performance, for the advisory-lock store's buyer limit.</summary>
internal sealed class LockSoldBuyer
{
    public Guid PerformanceId { get; set; }
    public Guid BuyerId { get; set; }
    public int Bought { get; set; }
}
