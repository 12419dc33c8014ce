namespace Encore.Contracts.Catalog
{
    /// <summary>
    /// When a performance lets people in, for modules that do not need its seats: Tickets checks scans
    /// against it and prints it on tickets. Answered from the catalog's own tables.
    /// </summary>
    public interface ICatalogSchedule
    {
        /// <summary>The performance's schedule; null when the catalog does not know it.</summary>
        Task<PerformanceSchedule?> GetPerformanceScheduleAsync(Guid performanceId, CancellationToken cancellationToken);

        /// <summary>The organizer that owns the event; null when the catalog does not know it.</summary>
        Task<Guid?> GetEventOrganizerAsync(Guid eventId, CancellationToken cancellationToken);
    }

    /// <summary>One performance's schedule and the words a ticket prints.</summary>
    /// <param name="PerformanceId">The catalog performance.</param>
    /// <param name="EventId">Its event.</param>
    /// <param name="OrganizerId">The organizer that owns the event.</param>
    /// <param name="EventTitle">The event's title.</param>
    /// <param name="VenueName">The venue's name.</param>
    /// <param name="VenueCity">The venue's city.</param>
    /// <param name="TimeZone">The venue's IANA time zone.</param>
    /// <param name="DoorsAt">When the doors open (UTC).</param>
    /// <param name="StartsAt">When it starts (UTC).</param>
    /// <param name="EndsAt">When it ends (UTC).</param>
    /// <param name="Cancelled">The event is cancelled.</param>
    public sealed record PerformanceSchedule(
        Guid PerformanceId, Guid EventId, Guid OrganizerId, string EventTitle, string VenueName, string VenueCity, string TimeZone,
        DateTimeOffset DoorsAt, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Cancelled);
}

namespace Encore.Contracts.Identity
{
    /// <summary>
    /// Machine clients of the OIDC server that another module owns (a gate scanner device is one):
    /// registered with a secret for the client-credentials grant, removed with every token they hold.
    /// </summary>
    public interface IMachineClients
    {
        /// <summary>Registers (or updates) a confidential client-credentials client carrying the given roles.</summary>
        Task RegisterAsync(string clientId, string clientSecret, string displayName, IReadOnlyList<string> roles, CancellationToken cancellationToken);

        /// <summary>Removes the client and revokes every token issued to it; nothing when it does not exist.</summary>
        Task RemoveAsync(string clientId, CancellationToken cancellationToken);
    }
}

namespace Encore.Contracts.Tickets
{
    /// <summary>
    /// Tickets were issued for a paid order (once per order: a redelivered <see cref="Orders.OrderPaid"/> issues nothing new).
    /// Tickets mails the confirmation from this; later modules (resale, notifications) may follow it too.
    /// </summary>
    /// <param name="OrderId">The order.</param>
    /// <param name="BuyerId">The holder.</param>
    /// <param name="BuyerEmail">Where the confirmation goes.</param>
    /// <param name="BuyerName">How the buyer is addressed.</param>
    /// <param name="EventId">The event.</param>
    /// <param name="PerformanceId">The performance.</param>
    /// <param name="TicketIds">The tickets issued.</param>
    /// <param name="IssuedAt">When.</param>
    public sealed record TicketsIssued(
        Guid OrderId, Guid BuyerId, string BuyerEmail, string BuyerName, Guid EventId, Guid PerformanceId,
        IReadOnlyList<Guid> TicketIds, DateTimeOffset IssuedAt) : IOrderEvent;
}
