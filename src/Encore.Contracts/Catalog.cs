namespace Encore.Contracts.Catalog;

/// <summary>An organizer published an event: it is visible to buyers and its on-sale schedule starts.</summary>
/// <param name="EventId">The catalog event.</param>
/// <param name="OrganizerId">The organizer that owns it.</param>
/// <param name="VenueId">Where it takes place.</param>
/// <param name="Title">The event's title at publication.</param>
/// <param name="PerformanceIds">Every performance of the event at publication.</param>
public sealed record EventPublished(Guid EventId, Guid OrganizerId, Guid VenueId, string Title, IReadOnlyList<Guid> PerformanceIds) : ICatalogEvent;

/// <summary>An organizer cancelled an event; every later module refunds and notifies from this.</summary>
/// <param name="EventId">The catalog event.</param>
/// <param name="OrganizerId">The organizer that owns it.</param>
/// <param name="Reason">The reason given to buyers.</param>
public sealed record EventCancelled(Guid EventId, Guid OrganizerId, string Reason) : ICatalogEvent;

/// <summary>A published event's details changed (title, performances, tiers or on-sale windows).</summary>
/// <param name="EventId">The catalog event.</param>
/// <param name="OrganizerId">The organizer that owns it.</param>
public sealed record EventChanged(Guid EventId, Guid OrganizerId) : ICatalogEvent;
