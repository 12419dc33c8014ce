using Encore.BuildingBlocks;
using Encore.Catalog.Events;
using Encore.Catalog.Venues;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Browse;

internal sealed record EventFilter(
    DateOnly? From = null, DateOnly? To = null, string? City = null, string? Genre = null, string? Query = null,
    int Page = 1, int PageSize = 20)
{
    public const int MaxPageSize = 100;
}

internal sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <param name="Region">ISO 3166-2 subdivision such as <c>US-NY</c>, when recorded.</param>
internal sealed record VenueSummary(Guid Id, string Name, string City, string CountryCode, string? Region, string TimeZone);

internal sealed record EventSummary(
    Guid Id, string Slug, string Title, string Genre, string? ImageUrl, EventStatus Status,
    VenueSummary Venue, DateTime? NextStartsAtLocal, DateTimeOffset? NextStartsAtUtc, int PerformanceCount, Money? FromPrice);

internal sealed record PerformanceView(Guid Id, DateTime StartsAtLocal, DateTime DoorsAtLocal, string TimeZone, DateTimeOffset StartsAtUtc, DateTimeOffset DoorsAtUtc, DateTimeOffset EndsAtUtc, int DurationMinutes);

internal sealed record TierView(Guid Id, string Name, Money Price, IReadOnlyList<string> SectionCodes, string? PriceZone, int MinPerOrder, int MaxPerOrder);

/// <summary>An on-sale window as buyers see it: whether it needs a code, never the code.</summary>
internal sealed record WindowView(Guid Id, OnSaleKind Kind, string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool RequiresAccessCode, bool IsOpen);

internal sealed record EventDetail(
    Guid Id, Guid OrganizerId, string Slug, string Title, string Description, string Genre, string? ImageUrl,
    EventStatus Status, string? CancellationReason, VenueSummary Venue, Money? FromPrice,
    IReadOnlyList<PerformanceView> Performances, IReadOnlyList<TierView> Tiers, IReadOnlyList<WindowView> Windows);

/// <summary>An event as its organizer edits it: what buyers see plus the stored status and the concurrency token.</summary>
internal sealed record OrganizerEventDetail(EventDetail Event, StoredEventStatus StoredStatus, bool SoldOut, Guid Version, DateTimeOffset UpdatedAt);

// The seat map and event status are public: the host's page components take them as parameters,
// and Blazor parameters must be public.
public sealed record SeatView(Guid Id, string Label, double X, double Y, bool Wheelchair, bool Companion, bool RestrictedView, bool Aisle);

public sealed record RowView(Guid Id, string Label, IReadOnlyList<SeatView> Seats);

public sealed record SectionView(
    Guid Id, string Code, string Name, SectionKind Kind, string PriceZone, int? Capacity,
    int? X, int? Y, int? Width, int? Height, IReadOnlyList<RowView> Rows);

public sealed record SeatMapView(
    Guid VenueId, string Name, string Address, string City, string CountryCode, string? Region, string TimeZone,
    int Width, int Height, int SeatCount, int GeneralAdmissionCapacity, IReadOnlyList<SectionView> Sections);

internal sealed record OrganizerVenue(Guid Id, Guid OrganizerId, string Name, string City, string CountryCode, string? Region, string TimeZone, int SectionCount, int SeatCount, int GeneralAdmissionCapacity);

internal sealed record OrganizerEvent(Guid Id, string Slug, string Title, string VenueName, StoredEventStatus StoredStatus, EventStatus Status, DateTime? FirstStartsAtLocal, int PerformanceCount, Guid Version);

/// <summary>
/// The catalog's reads, shared by the public API and the server-rendered pages so both show the
/// same thing. Buyers only ever see events that were published.
/// </summary>
internal sealed class CatalogQueries(CatalogDbContext db, TimeProvider clock)
{
    /// <summary>Published, on-sale and sold-out events with a performance still to come, soonest first.</summary>
    public async Task<Paged<EventSummary>> ListEventsAsync(EventFilter filter, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var page = Math.Max(1, filter.Page);
        var size = Math.Clamp(filter.PageSize, 1, EventFilter.MaxPageSize);

        var events = db.Events.AsNoTracking()
            .Where(e => e.Status == StoredEventStatus.Published && e.Performances.Any(p => p.EndsAtUtc > now));
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue);
            events = events.Where(e => e.Performances.Any(p => p.EndsAtUtc > now && p.StartsAtLocal >= start));
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue);
            events = events.Where(e => e.Performances.Any(p => p.EndsAtUtc > now && p.StartsAtLocal < end));
        }
        if (!string.IsNullOrWhiteSpace(filter.Genre))
        {
            var genre = filter.Genre.Trim().ToLowerInvariant();
            events = events.Where(e => e.Genre == genre);
        }
        if (!string.IsNullOrWhiteSpace(filter.City))
        {
            var city = filter.City.Trim().ToLower();
            events = events.Where(e => db.Venues.Any(v => v.Id == e.VenueId && v.City.ToLower() == city));
        }
        if (!string.IsNullOrWhiteSpace(filter.Query))
        {
            var q = filter.Query.Trim().ToLower();
            if (q.Length > 100) q = q[..100];
            events = events.Where(e => e.Title.ToLower().Contains(q) || e.Description.ToLower().Contains(q)
                || db.Venues.Any(v => v.Id == e.VenueId && v.Name.ToLower().Contains(q)));
        }

        var total = await events.CountAsync(ct);
        var ids = await events
            .OrderBy(e => e.Performances.Where(p => p.EndsAtUtc > now).Min(p => p.StartsAtUtc))
            .ThenBy(e => e.Id)
            .Skip((page - 1) * size).Take(size)
            .Select(e => e.Id)
            .ToListAsync(ct);
        var loaded = await LoadEventsAsync(ids, ct);
        var venues = await VenuesAsync(loaded.Select(e => e.VenueId), ct);
        var items = ids.Select(id => loaded.Single(e => e.Id == id)).Select(e => Summary(e, venues[e.VenueId], now)).ToList();
        return new Paged<EventSummary>(items, page, size, total);
    }

    /// <summary>A published (or published, then cancelled) event by id or slug; null when buyers may not see it.</summary>
    public async Task<EventDetail?> GetEventAsync(string idOrSlug, CancellationToken ct = default)
    {
        var query = WithChildren(db.Events.AsNoTracking()).Where(e => e.PublishedAt != null);
        var ev = Guid.TryParse(idOrSlug, out var id)
            ? await query.SingleOrDefaultAsync(e => e.Id == id, ct)
            : await query.SingleOrDefaultAsync(e => e.Slug == idOrSlug.ToLowerInvariant(), ct);
        return ev is null ? null : await DetailAsync(ev, ct);
    }

    public async Task<SeatMapView?> GetSeatMapAsync(Guid venueId, CancellationToken ct = default)
    {
        var venue = await db.Venues.AsNoTracking().AsSplitQuery()
            .Include(v => v.Sections).ThenInclude(s => s.Rows).ThenInclude(r => r.Seats)
            .SingleOrDefaultAsync(v => v.Id == venueId, ct);
        if (venue is null) return null;
        var sections = venue.Sections.OrderBy(s => s.Order).Select(s => new SectionView(
            s.Id, s.Code, s.Name, s.Kind, s.PriceZone, s.Capacity, s.X, s.Y, s.Width, s.Height,
            s.Rows.OrderBy(r => r.Order).Select(r => new RowView(r.Id, r.Label,
                r.Seats.OrderBy(x => x.Order).Select(x => new SeatView(x.Id, x.Label, x.X, x.Y, x.Wheelchair, x.Companion, x.RestrictedView, x.Aisle)).ToList())).ToList())).ToList();
        return new SeatMapView(venue.Id, venue.Name, venue.Address, venue.City, venue.CountryCode, venue.Region, venue.TimeZone, venue.Width, venue.Height,
            sections.Sum(s => s.Rows.Sum(r => r.Seats.Count)),
            sections.Sum(s => s.Capacity ?? 0),
            sections);
    }

    /// <summary>Genres of the events buyers can browse now, for filter facets.</summary>
    public async Task<IReadOnlyList<string>> ListGenresAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return await db.Events.AsNoTracking()
            .Where(e => e.Status == StoredEventStatus.Published && e.Performances.Any(p => p.EndsAtUtc > now))
            .Select(e => e.Genre).Distinct().OrderBy(g => g).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<string>> ListCitiesAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return await db.Venues.AsNoTracking()
            .Where(v => db.Events.Any(e => e.VenueId == v.Id && e.Status == StoredEventStatus.Published && e.Performances.Any(p => p.EndsAtUtc > now)))
            .Select(v => v.City).Distinct().OrderBy(c => c).ToListAsync(ct);
    }

    /// <summary>Every event of the organizers the user works for, drafts included.</summary>
    public async Task<IReadOnlyList<OrganizerEvent>> ListOrganizerEventsAsync(Guid userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var events = await WithChildren(db.Events.AsNoTracking().OwnedBy(db, userId)).ToListAsync(ct);
        var venues = await VenuesAsync(events.Select(e => e.VenueId), ct);
        return events
            .Select(e => new OrganizerEvent(e.Id, e.Slug, e.Title, venues[e.VenueId].Name, e.Status, e.EffectiveStatus(now),
                e.Performances.OrderBy(p => p.StartsAtUtc).FirstOrDefault()?.StartsAtLocal, e.Performances.Count, e.Version))
            .OrderBy(e => e.FirstStartsAtLocal ?? DateTime.MaxValue).ThenBy(e => e.Title)
            .ToList();
    }

    public async Task<IReadOnlyList<OrganizerVenue>> ListOrganizerVenuesAsync(Guid userId, CancellationToken ct = default) =>
        await db.Venues.AsNoTracking().OwnedBy(db, userId)
            .OrderBy(v => v.Name)
            .Select(v => new OrganizerVenue(v.Id, v.OrganizerId, v.Name, v.City, v.CountryCode, v.Region, v.TimeZone,
                v.Sections.Count,
                v.Sections.SelectMany(s => s.Rows).SelectMany(r => r.Seats).Count(),
                v.Sections.Sum(s => s.Capacity ?? 0)))
            .ToListAsync(ct);

    /// <summary>One event of the user's organizers, drafts included; null for anyone else's.</summary>
    public async Task<OrganizerEventDetail?> GetOrganizerEventAsync(Guid userId, Guid eventId, CancellationToken ct = default)
    {
        var ev = await WithChildren(db.Events.AsNoTracking().OwnedBy(db, userId)).SingleOrDefaultAsync(e => e.Id == eventId, ct);
        return ev is null ? null : await OrganizerDetailAsync(ev, ct);
    }

    internal async Task<OrganizerEventDetail> OrganizerDetailAsync(Event ev, CancellationToken ct) =>
        new(await DetailAsync(ev, ct), ev.Status, ev.SoldOut, ev.Version, ev.UpdatedAt);

    /// <summary>Whether a code opens a presale window of the event that is open now.</summary>
    public async Task<bool> CheckPresaleCodeAsync(Guid eventId, string code, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var windows = await db.OnSaleWindows.AsNoTracking()
            .Where(w => w.EventId == eventId && w.Kind == OnSaleKind.Presale && w.AccessCodeHash != null)
            .ToListAsync(ct);
        // Check every open window (no early exit) so timing does not reveal which one matched.
        var accepted = false;
        foreach (var window in windows.Where(w => w.IsOpen(now)))
            accepted |= window.Accepts(code);
        return accepted;
    }

    async Task<EventDetail> DetailAsync(Event ev, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var venue = (await VenuesAsync([ev.VenueId], ct))[ev.VenueId];
        return new EventDetail(
            ev.Id, ev.OrganizerId, ev.Slug, ev.Title, ev.Description, ev.Genre, ev.ImageUrl,
            ev.EffectiveStatus(now), ev.CancellationReason, venue, FromPrice(ev),
            ev.Performances.OrderBy(p => p.StartsAtUtc)
                .Select(p => new PerformanceView(p.Id, p.StartsAtLocal, p.DoorsAtLocal, p.TimeZone, p.StartsAtUtc, p.DoorsAtUtc, p.EndsAtUtc, p.DurationMinutes)).ToList(),
            ev.Tiers.OrderBy(t => t.PriceMinor).ThenBy(t => t.Name)
                .Select(t => new TierView(t.Id, t.Name, t.Price, t.Sections, t.PriceZone, t.MinPerOrder, t.MaxPerOrder)).ToList(),
            ev.Windows.OrderBy(w => w.StartsAt)
                .Select(w => new WindowView(w.Id, w.Kind, w.Name, w.StartsAt, w.EndsAt, w.HasAccessCode, w.IsOpen(now))).ToList());
    }

    static EventSummary Summary(Event e, VenueSummary venue, DateTimeOffset now)
    {
        var next = e.Performances.Where(p => p.EndsAtUtc > now).OrderBy(p => p.StartsAtUtc).FirstOrDefault();
        return new EventSummary(e.Id, e.Slug, e.Title, e.Genre, e.ImageUrl, e.EffectiveStatus(now), venue,
            next?.StartsAtLocal, next?.StartsAtUtc, e.Performances.Count, FromPrice(e));
    }

    /// <summary>The cheapest tier; an event prices every tier in one currency.</summary>
    static Money? FromPrice(Event e) => e.Tiers.OrderBy(t => t.PriceMinor).Select(t => (Money?)t.Price).FirstOrDefault();

    async Task<List<Event>> LoadEventsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        await WithChildren(db.Events.AsNoTracking()).Where(e => ids.Contains(e.Id)).ToListAsync(ct);

    async Task<Dictionary<Guid, VenueSummary>> VenuesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct().ToList();
        return await db.Venues.AsNoTracking().Where(v => distinct.Contains(v.Id))
            .ToDictionaryAsync(v => v.Id, v => new VenueSummary(v.Id, v.Name, v.City, v.CountryCode, v.Region, v.TimeZone), ct);
    }

    internal static IQueryable<Event> WithChildren(IQueryable<Event> events) =>
        events.AsSplitQuery().Include(e => e.Performances).Include(e => e.Tiers).Include(e => e.Windows);
}

internal static class OwnershipQueries
{
    /// <summary>Rows of the organizers the user is a member of; anyone else's simply do not exist for them.</summary>
    public static IQueryable<Event> OwnedBy(this IQueryable<Event> events, CatalogDbContext db, Guid userId) =>
        events.Where(e => db.OrganizerMembers.Any(m => m.OrganizerId == e.OrganizerId && m.UserId == userId));

    public static IQueryable<Venue> OwnedBy(this IQueryable<Venue> venues, CatalogDbContext db, Guid userId) =>
        venues.Where(v => db.OrganizerMembers.Any(m => m.OrganizerId == v.OrganizerId && m.UserId == userId));
}
