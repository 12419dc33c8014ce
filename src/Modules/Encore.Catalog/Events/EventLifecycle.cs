using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.BuildingBlocks.Outbox;
using Encore.Catalog.Browse;
using Encore.Catalog.Venues;
using Encore.Contracts.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Catalog.Events;

/// <summary>Publishing, cancelling and marking sold out: the transitions other modules must learn of.</summary>
internal static class EventLifecycle
{
    internal sealed record CancelRequest(string? Reason);

    internal sealed record SoldOutRequest(bool SoldOut);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/events/{eventId:guid}/publish", Publish)
            .WithSummary("Publish a draft event")
            .WithDescription("Needs a future performance, a ticket tier and a general on-sale window; otherwise 409 says what is missing. Optional If-Match with the version read.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapPost("/events/{eventId:guid}/cancel", Cancel)
            .WithSummary("Cancel an event, giving buyers a reason")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapPost("/events/{eventId:guid}/sold-out", MarkSoldOut)
            .WithSummary("Mark a published event sold out, or on sale again")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Ok<OrganizerEventDetail>, ProblemHttpResult>> Publish(
        Guid eventId, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;
        if (ev.Publish(clock.GetUtcNow()) is { } problem) return problem;

        // Publishing starts the on-sale schedule elsewhere, so it leaves in the same transaction as the state change.
        db.AddToOutbox(new EventPublished(ev.Id, ev.OrganizerId, ev.VenueId, ev.Title, ev.Performances.Select(p => p.Id).ToList()), clock);
        if (await EventWrites.SaveAsync(db, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(await queries.OrganizerDetailAsync(ev, ct));
    }

    internal static async Task<Results<Ok<OrganizerEventDetail>, ValidationProblem, ProblemHttpResult>> Cancel(
        Guid eventId, CancelRequest request, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Errors();
        errors.Text("reason", request.Reason, 1000, "Reason");
        if (errors.Count > 0) return Problems.Invalid(errors.ToDictionary());
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;
        var wasPublished = ev.PublishedAt is not null;
        if (ev.Cancel(request.Reason!.Trim(), clock.GetUtcNow()) is { } problem) return problem;

        // A draft nobody saw needs no refunds or notices; anything once published does.
        if (wasPublished) db.AddToOutbox(new EventCancelled(ev.Id, ev.OrganizerId, ev.CancellationReason!), clock);
        if (await EventWrites.SaveAsync(db, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(await queries.OrganizerDetailAsync(ev, ct));
    }

    internal static async Task<Results<Ok<OrganizerEventDetail>, ProblemHttpResult>> MarkSoldOut(
        Guid eventId, SoldOutRequest request, ClaimsPrincipal user, CatalogDbContext db, CatalogQueries queries,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;
        if (ev.MarkSoldOut(request.SoldOut, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(await queries.OrganizerDetailAsync(ev, ct));
    }
}
