using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Browse;
using Encore.Catalog.Http;
using Encore.Catalog.Venues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Events;

/// <summary>Performances: local wall-clock times at the venue, stored with the UTC instants they denote.</summary>
internal static class EventPerformances
{
    /// <param name="StartsAt">Local time at the venue, without offset, e.g. 2026-12-05T19:30:00.</param>
    /// <param name="DoorsAt">Local time doors open; an hour before the start when omitted.</param>
    /// <param name="DurationMinutes">How long it runs; 150 minutes when omitted.</param>
    internal sealed record PerformanceRequest(DateTime StartsAt, DateTime? DoorsAt, int? DurationMinutes);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/events/{eventId:guid}/performances", Add).Idempotent()
            .WithSummary("Add a performance").WithDescription("Times are local to the venue's time zone. Optional If-Match with the event version.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapPut("/events/{eventId:guid}/performances/{performanceId:guid}", Change)
            .WithSummary("Reschedule a performance")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapDelete("/events/{eventId:guid}/performances/{performanceId:guid}", Remove)
            .WithSummary("Remove a performance")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Created<PerformanceView>, ValidationProblem, ProblemHttpResult>> Add(
        Guid eventId, PerformanceRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        var (times, errors) = await TimesAsync(db, ev, request, clock.GetUtcNow(), ct);
        if (times is null) return Problems.Invalid(errors!);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;

        var performance = Performance.Schedule(ev.Id, times)!;
        if (ev.AddPerformance(performance, clock.GetUtcNow()) is { } problem) return problem;
        db.Performances.Add(performance);
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Created($"/api/organizer/events/{ev.Id}/performances/{performance.Id}", View(performance));
    }

    internal static async Task<Results<Ok<PerformanceView>, ValidationProblem, ProblemHttpResult>> Change(
        Guid eventId, Guid performanceId, PerformanceRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev || ev.Performances.All(p => p.Id != performanceId))
            return Problems.NotFound($"No performance {performanceId} of event {eventId}.");
        var (times, errors) = await TimesAsync(db, ev, request, clock.GetUtcNow(), ct);
        if (times is null) return Problems.Invalid(errors!);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;

        if (ev.ReplacePerformance(performanceId, times, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(View(ev.Performances.Single(p => p.Id == performanceId)));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid eventId, Guid performanceId, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev || ev.Performances.All(p => p.Id != performanceId))
            return Problems.NotFound($"No performance {performanceId} of event {eventId}.");
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;
        if (ev.RemovePerformance(performanceId, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.NoContent();
    }

    /// <summary>The request as times in the venue's zone, or what is wrong with it.</summary>
    static async Task<(PerformanceTimes? Times, Dictionary<string, string[]>? Errors)> TimesAsync(
        CatalogDbContext db, Event ev, PerformanceRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var zone = await db.Venues.Where(v => v.Id == ev.VenueId).Select(v => v.TimeZone).SingleAsync(ct);
        var errors = new Errors();
        if (request.StartsAt == default) errors.Add("startsAt", "Start time is required, local to the venue, e.g. 2026-12-05T19:30:00.");
        else if (request.StartsAt.Kind != DateTimeKind.Unspecified)
            errors.Add("startsAt", $"Give the start as local time at the venue ({zone}) without an offset or 'Z'.");
        if (request.DoorsAt is { Kind: not DateTimeKind.Unspecified })
            errors.Add("doorsAt", $"Give doors as local time at the venue ({zone}) without an offset or 'Z'.");
        var doors = request.DoorsAt ?? request.StartsAt.AddHours(-1);
        if (doors > request.StartsAt || doors < request.StartsAt.AddHours(-6))
            errors.Add("doorsAt", "Doors open at most 6 hours before the start, and not after it.");
        var duration = request.DurationMinutes ?? 150;
        if (duration is < 15 or > 24 * 60) errors.Add("durationMinutes", "Duration is between 15 and 1440 minutes.");
        if (errors.Count > 0) return (null, errors.ToDictionary());

        var times = new PerformanceTimes(request.StartsAt, doors, zone, duration);
        if (times.ToUtc() is not { } utc)
            errors.Add("startsAt", $"That local time does not exist in {zone} (the clocks go forward then).");
        else if (utc.Starts <= now)
            errors.Add("startsAt", $"That time has passed in {zone}; a performance is scheduled in the future.");
        return errors.Count > 0 ? (null, errors.ToDictionary()) : (times, null);
    }

    static PerformanceView View(Performance p) =>
        new(p.Id, p.StartsAtLocal, p.DoorsAtLocal, p.TimeZone, p.StartsAtUtc, p.DoorsAtUtc, p.EndsAtUtc, p.DurationMinutes);
}
