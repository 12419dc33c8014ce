namespace Encore.Contracts.Inventory
{
    /// <summary>
    /// What checkout asks the inventory while the buyer waits: a live hold with what it holds and the
    /// price of each place, and releasing a hold that will not become an order.
    /// </summary>
    public interface IHoldCheckout
    {
        /// <summary>The buyer's live hold with its places and tier prices; null when unknown, ended or someone else's.</summary>
        Task<CheckoutHold?> GetLiveHoldAsync(Guid holdId, Guid buyerId, CancellationToken cancellationToken);

        /// <summary>Releases the buyer's hold now (checkout abandoned or cancelled); false when it had already ended.</summary>
        Task<bool> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken cancellationToken);
    }

    /// <summary>A live hold as checkout prices it.</summary>
    /// <param name="HoldId">The hold.</param>
    /// <param name="BuyerId">Its buyer.</param>
    /// <param name="PerformanceId">The performance.</param>
    /// <param name="EventId">The event.</param>
    /// <param name="OrganizerId">The organizer selling.</param>
    /// <param name="Currency">ISO 4217 code of every price.</param>
    /// <param name="FencingToken">The hold's fencing token (strictly increasing per performance).</param>
    /// <param name="ExpiresAt">When the hold ends unless extended.</param>
    /// <param name="PerformanceStartsAt">When the performance starts (UTC).</param>
    /// <param name="Items">One per seat, or one for the standing quantity.</param>
    public sealed record CheckoutHold(
        Guid HoldId, Guid BuyerId, Guid PerformanceId, Guid EventId, Guid OrganizerId, string Currency, long FencingToken,
        DateTimeOffset ExpiresAt, DateTimeOffset PerformanceStartsAt, IReadOnlyList<CheckoutHoldItem> Items);

    /// <summary>A held seat, or a standing quantity.</summary>
    /// <param name="SeatId">The seat; null for standing.</param>
    /// <param name="SectionCode">The section (or standing area) code.</param>
    /// <param name="SectionName">Its display name.</param>
    /// <param name="RowLabel">The row, for a seat.</param>
    /// <param name="SeatLabel">The seat's label, for a seat.</param>
    /// <param name="Quantity">1 for a seat; the number of standing places otherwise.</param>
    /// <param name="StandingCapacity">The standing area's capacity; 0 for a seat.</param>
    /// <param name="TierId">The tier the place sells under (the cheapest tier selling its section).</param>
    /// <param name="TierName">The tier's name.</param>
    /// <param name="UnitPrice">Face value of one place in minor units.</param>
    public sealed record CheckoutHoldItem(
        Guid? SeatId, string SectionCode, string SectionName, string? RowLabel, string? SeatLabel, int Quantity, int StandingCapacity,
        Guid TierId, string TierName, long UnitPrice);
}

namespace Encore.Contracts.Catalog
{
    /// <summary>What checkout needs to know about an event (for tax, invoices and pages), synchronously.</summary>
    public interface ICatalogCheckoutSource
    {
        /// <summary>The event with its venue and organizer; null when unknown.</summary>
        Task<CheckoutEvent?> GetEventAsync(Guid eventId, CancellationToken cancellationToken);
    }

    /// <summary>An event as checkout sees it.</summary>
    /// <param name="EventId">The event.</param>
    /// <param name="Slug">Its address on the site.</param>
    /// <param name="Title">Its title.</param>
    /// <param name="OrganizerId">The organizer.</param>
    /// <param name="OrganizerName">The organizer's name (the seller on invoices).</param>
    /// <param name="VenueName">The venue.</param>
    /// <param name="VenueAddress">The venue's street address.</param>
    /// <param name="VenueCity">The venue's city.</param>
    /// <param name="VenueCountry">ISO 3166-1 alpha-2 country of the venue.</param>
    /// <param name="VenueRegion">ISO 3166-2 subdivision without the country, when the catalog knows it (US states).</param>
    /// <param name="TimeZone">The venue's IANA time zone.</param>
    /// <param name="Cancelled">The event was cancelled.</param>
    public sealed record CheckoutEvent(
        Guid EventId, string Slug, string Title, Guid OrganizerId, string OrganizerName, string VenueName, string VenueAddress,
        string VenueCity, string VenueCountry, string? VenueRegion, string TimeZone, bool Cancelled);
}
