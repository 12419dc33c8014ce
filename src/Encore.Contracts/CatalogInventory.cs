namespace Encore.Contracts.Catalog;

/// <summary>
/// What the catalog tells the inventory about a performance, synchronously, so the inventory can
/// build its own rows without reading the catalog's tables. Called when catalog events arrive
/// and on first use of a performance published before the inventory existed.
/// </summary>
public interface ICatalogInventorySource
{
    /// <summary>A performance with its venue's seats and standing areas, the event's tiers and on-sale windows; null if unknown.</summary>
    Task<PerformanceInventorySource?> GetPerformanceAsync(Guid performanceId, CancellationToken cancellationToken);

    /// <summary>
    /// A performance's event and its tiers with the sections each sells, without the venue's seats
    /// (checkout prices every order from the current tiers; the seats it already knows); null if unknown.
    /// </summary>
    Task<PerformanceTiers?> GetTiersAsync(Guid performanceId, CancellationToken cancellationToken);

    /// <summary>The ids of every current performance of an event; empty if the event is unknown.</summary>
    Task<IReadOnlyList<Guid>> GetPerformanceIdsAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Whether an account works for an organizer organization.</summary>
    Task<bool> IsOrganizerMemberAsync(Guid organizerId, Guid userId, CancellationToken cancellationToken);
}

/// <summary>Where an event stands as far as selling goes.</summary>
public enum CatalogSaleState
{
    /// <summary>Not visible to buyers; nothing may be held.</summary>
    Draft,
    /// <summary>Visible; seats may be held while an on-sale window is open.</summary>
    Published,
    /// <summary>Cancelled; nothing may be held.</summary>
    Cancelled,
}

/// <summary>One performance as the inventory needs it.</summary>
/// <param name="PerformanceId">The catalog performance.</param>
/// <param name="EventId">Its event.</param>
/// <param name="OrganizerId">The organizer that owns the event.</param>
/// <param name="State">The event's sale state.</param>
/// <param name="MarkedSoldOut">The organizer marked the event sold out by hand.</param>
/// <param name="StartsAt">When the performance starts (UTC).</param>
/// <param name="Seats">Every reserved seat of the venue.</param>
/// <param name="GeneralAdmission">Every standing area of the venue.</param>
/// <param name="Tiers">The event's ticket tiers with the sections each sells.</param>
/// <param name="Windows">The event's on-sale windows.</param>
public sealed record PerformanceInventorySource(
    Guid PerformanceId,
    Guid EventId,
    Guid OrganizerId,
    CatalogSaleState State,
    bool MarkedSoldOut,
    DateTimeOffset StartsAt,
    IReadOnlyList<SourceSeat> Seats,
    IReadOnlyList<SourceGeneralAdmission> GeneralAdmission,
    IReadOnlyList<SourceTier> Tiers,
    IReadOnlyList<SourceSaleWindow> Windows);

/// <summary>A performance's event and the event's ticket tiers, as <see cref="PerformanceInventorySource.Tiers"/> resolves them.</summary>
/// <param name="PerformanceId">The catalog performance.</param>
/// <param name="EventId">Its event.</param>
/// <param name="Tiers">The event's ticket tiers with the sections each sells.</param>
public sealed record PerformanceTiers(Guid PerformanceId, Guid EventId, IReadOnlyList<SourceTier> Tiers);

/// <summary>A reserved seat of the venue's seat map.</summary>
/// <param name="SeatId">The catalog seat.</param>
/// <param name="SectionCode">Its section's code.</param>
/// <param name="RowLabel">Its row's label.</param>
/// <param name="RowOrder">The row's position in the section, front first.</param>
/// <param name="Order">The seat's position in its row, house left first.</param>
/// <param name="Label">The seat's label.</param>
/// <param name="X">Drawing coordinate.</param>
/// <param name="Y">Drawing coordinate.</param>
/// <param name="Wheelchair">A wheelchair space.</param>
/// <param name="Companion">A companion seat beside a wheelchair space.</param>
/// <param name="RestrictedView">Part of the stage is hidden from it.</param>
/// <param name="Aisle">Beside an aisle: two neighbouring aisle seats are across the aisle from each other.</param>
/// <param name="PriceZone">The section's price zone.</param>
public sealed record SourceSeat(
    Guid SeatId, string SectionCode, string RowLabel, int RowOrder, int Order, string Label,
    double X, double Y, bool Wheelchair, bool Companion, bool RestrictedView, bool Aisle, string PriceZone);

/// <summary>A standing area.</summary>
/// <param name="SectionCode">The section's code.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Capacity">How many people it holds.</param>
/// <param name="PriceZone">Its price zone.</param>
public sealed record SourceGeneralAdmission(string SectionCode, string Name, int Capacity, string PriceZone);

/// <summary>A ticket tier, its sections resolved (a price-zone tier lists every section of the zone).</summary>
/// <param name="TierId">The catalog tier.</param>
/// <param name="Name">Its name.</param>
/// <param name="PriceMinor">Price in minor units.</param>
/// <param name="Currency">ISO 4217 currency.</param>
/// <param name="SectionCodes">The sections it sells.</param>
/// <param name="MaxPerOrder">Most tickets of this tier in one order.</param>
public sealed record SourceTier(Guid TierId, string Name, long PriceMinor, string Currency, IReadOnlyList<string> SectionCodes, int MaxPerOrder);

/// <summary>An on-sale window.</summary>
/// <param name="StartsAt">Opens (UTC).</param>
/// <param name="EndsAt">Closes (UTC).</param>
/// <param name="RequiresAccessCode">A presale that needs a code.</param>
public sealed record SourceSaleWindow(DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool RequiresAccessCode);
