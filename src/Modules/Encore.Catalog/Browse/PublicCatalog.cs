using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Events;
using Encore.Catalog.Http;
using Encore.Catalog.Venues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Browse;

/// <summary>What anyone may read: published events, their details, and venue seat maps for drawing.</summary>
internal static class PublicCatalog
{
    internal sealed record Facets(IReadOnlyList<string> Genres, IReadOnlyList<string> Cities);

    internal sealed record PresaleCodeRequest(string? Code);

    internal sealed record PresaleCodeResponse(bool Accepted);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var events = endpoints.MapGroup("/api/events").WithTags("Events");
        events.MapGet("/", List).AllowAnonymous()
            .WithSummary("Browse events")
            .WithDescription("Published, on-sale and sold-out events with a performance to come, soonest first. " +
                "from/to are local dates at the venue (yyyy-MM-dd); q searches title, description and venue name.");
        events.MapGet("/facets", GetFacets).AllowAnonymous().WithSummary("Genres and cities to filter by");
        events.MapGet("/{idOrSlug}", Get).AllowAnonymous()
            .WithSummary("An event by id or slug, with venue, performances, tiers and on-sale windows")
            .ProducesProblem(StatusCodes.Status404NotFound);
        events.MapPost("/{eventId:guid}/presale-access", CheckPresaleCode).RequireAuthorization(Contracts.Identity.Policies.SignedIn)
            .WithSummary("Check a presale access code against the event's open presale windows");

        endpoints.MapGet("/api/venues/{venueId:guid}/seatmap", SeatMap).AllowAnonymous().WithTags("Venues")
            .WithSummary("A venue's seat map for drawing: sections, rows, seats with coordinates and attributes, GA capacities")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    static async Task<Results<Ok<Paged<EventSummary>>, ValidationProblem>> List(
        CatalogQueries queries, CancellationToken ct,
        DateOnly? from = null, DateOnly? to = null, string? city = null, string? genre = null, string? q = null, int page = 1, int pageSize = 20)
    {
        var errors = new Errors();
        if (from is not null && to is not null && to < from) errors.Add("to", "The range ends before it starts.");
        if (page < 1 || page > 10_000) errors.Add("page", "Page is between 1 and 10,000.");
        if (pageSize is < 1 or > EventFilter.MaxPageSize) errors.Add("pageSize", $"Page size is between 1 and {EventFilter.MaxPageSize}.");
        if (q is { Length: > 100 }) errors.Add("q", "Search text is at most 100 characters.");
        if (errors.Count > 0) return Problems.Invalid(errors.ToDictionary());
        return TypedResults.Ok(await queries.ListEventsAsync(new EventFilter(from, to, city, genre, q, page, pageSize), ct));
    }

    static async Task<Ok<Facets>> GetFacets(CatalogQueries queries, CancellationToken ct) =>
        TypedResults.Ok(new Facets(await queries.ListGenresAsync(ct), await queries.ListCitiesAsync(ct)));

    static async Task<Results<Ok<EventDetail>, ProblemHttpResult>> Get(string idOrSlug, CatalogQueries queries, CancellationToken ct) =>
        idOrSlug.Length <= 120 && await queries.GetEventAsync(idOrSlug, ct) is { } detail
            ? TypedResults.Ok(detail)
            : Problems.NotFound($"No event '{idOrSlug}'.");

    static async Task<Results<Ok<PresaleCodeResponse>, ValidationProblem>> CheckPresaleCode(
        Guid eventId, PresaleCodeRequest request, CatalogQueries queries, CancellationToken ct)
    {
        if (request.Code is not { Length: >= 1 and <= 64 }) return Problems.Invalid("code", "Give the access code, at most 64 characters.");
        return TypedResults.Ok(new PresaleCodeResponse(await queries.CheckPresaleCodeAsync(eventId, request.Code, ct)));
    }

    /// <summary>
    /// A venue's map is public once an event there has been published; before that only its
    /// organizer's staff may see it (an unannounced venue deal is the organizer's secret).
    /// </summary>
    static async Task<Results<Ok<SeatMapView>, ProblemHttpResult>> SeatMap(
        Guid venueId, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries, CancellationToken ct)
    {
        var userId = CurrentUser.Id(user);
        var visible = await db.Venues.AnyAsync(v => v.Id == venueId && (
            db.Events.Any(e => e.VenueId == venueId && e.Status != StoredEventStatus.Draft) ||
            db.OrganizerMembers.Any(m => m.OrganizerId == v.OrganizerId && m.UserId == userId)), ct);
        return visible && await queries.GetSeatMapAsync(venueId, ct) is { } map
            ? TypedResults.Ok(map)
            : Problems.NotFound($"No venue {venueId}.");
    }
}
