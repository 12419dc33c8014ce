using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Browse;
using Encore.Catalog.Http;
using Encore.Catalog.Organizers;
using Encore.Catalog.Venues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Events;

/// <summary>An organizer drafts an event at one of its venues, reads and edits it.</summary>
internal static class OrganizerEvents
{
    internal sealed record CreateEventRequest(Guid VenueId, string? Title, string? Description, string? Genre, string? ImageUrl);

    internal sealed record EditEventRequest(string? Title, string? Description, string? Genre, string? ImageUrl, Guid Version);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/events", Create).Idempotent()
            .WithSummary("Draft an event at one of your venues")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapGet("/events", List).WithSummary("List the events of your organizers, drafts included");
        organizer.MapGet("/events/{eventId:guid}", Get).WithSummary("Read one of your events with its version")
            .ProducesProblem(StatusCodes.Status404NotFound);
        organizer.MapPut("/events/{eventId:guid}", Edit)
            .WithSummary("Edit an event's title, description, genre and image")
            .WithDescription("Send the version you read; a stale version answers 409.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Created<OrganizerEventDetail>, ValidationProblem, ProblemHttpResult>> Create(
        CreateEventRequest request, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries, TimeProvider clock, CancellationToken ct)
    {
        var errors = ValidateDetails(request.Title, request.Description, request.Genre, request.ImageUrl);
        if (errors.Count > 0) return Problems.Invalid(errors.ToDictionary());
        var venue = await db.Venues.OwnedBy(db, Membership.UserId(user)).SingleOrDefaultAsync(v => v.Id == request.VenueId, ct);
        if (venue is null) return Problems.NotFound($"No venue {request.VenueId}.");

        var details = Details(request.Title, request.Description, request.Genre, request.ImageUrl);
        var slug = await UniqueSlugAsync(db, details.Title, ct);
        var ev = Event.Draft(venue.OrganizerId, venue.Id, details, slug, clock.GetUtcNow());
        db.Events.Add(ev);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two drafts with the same title in the same instant: the unique slug index let one through.
            return Problems.Conflict("Slug taken", "Another event took this slug at the same moment; send the request again.");
        }
        return TypedResults.Created($"/api/organizer/events/{ev.Id}", await queries.OrganizerDetailAsync(ev, ct));
    }

    static async Task<Ok<IReadOnlyList<OrganizerEvent>>> List(ClaimsPrincipal user, CatalogQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListOrganizerEventsAsync(Membership.UserId(user), ct));

    internal static async Task<Results<Ok<OrganizerEventDetail>, ProblemHttpResult>> Get(
        Guid eventId, ClaimsPrincipal user, CatalogQueries queries, HttpContext http, CancellationToken ct)
    {
        if (await queries.GetOrganizerEventAsync(Membership.UserId(user), eventId, ct) is not { } detail) return EventWrites.EventNotFound(eventId);
        http.Response.Headers.ETag = $"\"{detail.Version}\"";
        return TypedResults.Ok(detail);
    }

    internal static async Task<Results<Ok<OrganizerEventDetail>, ValidationProblem, ProblemHttpResult>> Edit(
        Guid eventId, EditEventRequest request, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = ValidateDetails(request.Title, request.Description, request.Genre, request.ImageUrl);
        if (request.Version == Guid.Empty) errors.Add("version", "Send the version of the event you read.");
        if (errors.Count > 0) return Problems.Invalid(errors.ToDictionary());
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        if (EventWrites.ExpectVersion(db, ev, request.Version) is { } stale) return stale;

        if (ev.Edit(Details(request.Title, request.Description, request.Genre, request.ImageUrl), clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(await queries.OrganizerDetailAsync(ev, ct));
    }

    static Errors ValidateDetails(string? title, string? description, string? genre, string? imageUrl)
    {
        var errors = new Errors();
        errors.Text("title", title, Event.TitleMax, "Title");
        if (description is { Length: > Event.DescriptionMax })
            errors.Add("description", $"Description is longer than {Event.DescriptionMax} characters.");
        if (genre is null || !Genres.All.Contains(genre.Trim().ToLowerInvariant()))
            errors.Add("genre", $"Genre must be one of: {string.Join(", ", Genres.All)}.");
        if (imageUrl is { Length: > 0 }
            && (imageUrl.Length > 500 || !(imageUrl.StartsWith('/') && !imageUrl.StartsWith("//", StringComparison.Ordinal)
                || Uri.TryCreate(imageUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)))
            errors.Add("imageUrl", "Image URL must be a site path such as /images/poster.jpg or an https URL, at most 500 characters.");
        return errors;
    }

    static EventDetails Details(string? title, string? description, string? genre, string? imageUrl) =>
        new(title!.Trim(), description?.Trim() ?? "", genre!.Trim().ToLowerInvariant(), string.IsNullOrWhiteSpace(imageUrl) ? null : imageUrl);

    internal static async Task<string> UniqueSlugAsync(CatalogDbContext db, string title, CancellationToken ct)
    {
        var slug = Slugs.From(title);
        if (slug.Length == 0) slug = "event";
        // "facets" is a route of its own under /api/events.
        if (slug != "facets" && !await db.Events.AnyAsync(e => e.Slug == slug, ct)) return slug;
        // A short random suffix: unique in practice, and the unique index settles the rest.
        return $"{slug}-{Guid.NewGuid().ToString("N")[..6]}";
    }
}
