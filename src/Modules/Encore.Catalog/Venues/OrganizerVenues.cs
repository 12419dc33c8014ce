using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Browse;
using Encore.Catalog.Http;
using Encore.Catalog.Organizers;
using Encore.Contracts.Tax;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Venues;

/// <summary>An organizer imports a venue with its seat map, and lists and reads its own venues.</summary>
internal static class OrganizerVenues
{
    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/venues", Import).Idempotent()
            .WithSummary("Import a venue with its seat map")
            .WithDescription("The body is a seat map document (docs/seat-map-format.md). A venue in a country whose tax differs by subdivision (the US) names its region, an ISO 3166-2 code such as US-NY that the tax tables know. Errors name the offending item by its JSON path.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        organizer.MapGet("/venues", List).WithSummary("List the venues of your organizers");
        organizer.MapGet("/venues/{venueId:guid}", Get).WithSummary("Read one of your venues with its seat map")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static async Task<Results<Created<OrganizerVenue>, ValidationProblem, ProblemHttpResult>> Import(
        SeatMapDocument request, Guid? organizerId, ClaimsPrincipal user, CatalogDbContext db, ITaxJurisdictions taxes, TimeProvider clock, CancellationToken ct)
    {
        var (owner, problem) = await Membership.OrganizerForAsync(db, user, organizerId, ct);
        if (problem is not null) return problem;
        var errors = SeatMapImport.Validate(request, taxes);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var venue = SeatMapImport.ToVenue(request, owner!.Value, clock.GetUtcNow());
        db.Venues.Add(venue);
        await db.SaveChangesAsync(ct);
        var sections = venue.Sections;
        return TypedResults.Created($"/api/organizer/venues/{venue.Id}", new OrganizerVenue(
            venue.Id, venue.OrganizerId, venue.Name, venue.City, venue.CountryCode, venue.Region, venue.TimeZone, sections.Count,
            sections.Sum(s => s.Rows.Sum(r => r.Seats.Count)), sections.Sum(s => s.Capacity ?? 0)));
    }

    static async Task<Ok<IReadOnlyList<OrganizerVenue>>> List(ClaimsPrincipal user, CatalogQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListOrganizerVenuesAsync(Membership.UserId(user), ct));

    internal static async Task<Results<Ok<SeatMapView>, ProblemHttpResult>> Get(
        Guid venueId, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries, CancellationToken ct)
    {
        var owned = await db.Venues.OwnedBy(db, Membership.UserId(user)).AnyAsync(v => v.Id == venueId, ct);
        if (!owned || await queries.GetSeatMapAsync(venueId, ct) is not { } map) return Problems.NotFound($"No venue {venueId}.");
        return TypedResults.Ok(map);
    }
}
