using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Browse;
using Encore.Catalog.Http;
using Encore.Catalog.Venues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Catalog.Events;

/// <summary>On-sale windows: when tickets sell, and for a presale the code that opens it.</summary>
internal static class EventWindows
{
    /// <param name="AccessCode">Presale only; stored as a hash and never shown again. On edit, omit it to keep the old code.</param>
    internal sealed record WindowRequest(OnSaleKind Kind, string? Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? AccessCode);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/events/{eventId:guid}/windows", Add).Idempotent()
            .WithSummary("Add an on-sale window (presale with access code, or general sale)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapPut("/events/{eventId:guid}/windows/{windowId:guid}", Change)
            .WithSummary("Change an on-sale window")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapDelete("/events/{eventId:guid}/windows/{windowId:guid}", Remove)
            .WithSummary("Remove an on-sale window")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Created<WindowView>, ValidationProblem, ProblemHttpResult>> Add(
        Guid eventId, WindowRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        var (terms, errors) = Terms(request, isNew: true);
        if (terms is null) return Problems.Invalid(errors!);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;

        var window = OnSaleWindow.For(ev.Id, terms);
        if (ev.AddWindow(window, clock.GetUtcNow()) is { } problem) return problem;
        db.OnSaleWindows.Add(window);
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Created($"/api/organizer/events/{ev.Id}/windows/{window.Id}", View(window, clock));
    }

    internal static async Task<Results<Ok<WindowView>, ValidationProblem, ProblemHttpResult>> Change(
        Guid eventId, Guid windowId, WindowRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev || ev.Windows.All(w => w.Id != windowId))
            return Problems.NotFound($"No on-sale window {windowId} of event {eventId}.");
        var existing = ev.Windows.Single(w => w.Id == windowId);
        var (terms, errors) = Terms(request, isNew: !existing.HasAccessCode);
        if (terms is null) return Problems.Invalid(errors!);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;

        if (ev.ReplaceWindow(windowId, terms, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(View(existing, clock));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid eventId, Guid windowId, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev || ev.Windows.All(w => w.Id != windowId))
            return Problems.NotFound($"No on-sale window {windowId} of event {eventId}.");
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;
        if (ev.RemoveWindow(windowId, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.NoContent();
    }

    /// <param name="isNew">A presale without a stored code must be given one.</param>
    static (WindowTerms?, Dictionary<string, string[]>?) Terms(WindowRequest request, bool isNew)
    {
        var errors = new Errors();
        var name = string.IsNullOrWhiteSpace(request.Name) ? (request.Kind == OnSaleKind.Presale ? "Presale" : "General sale") : request.Name.Trim();
        if (name.Length > 100) errors.Add("name", "Name is longer than 100 characters.");
        if (request.StartsAt == default) errors.Add("startsAt", "Start is required, as an instant with offset, e.g. 2026-12-01T10:00:00Z.");
        if (request.EndsAt <= request.StartsAt) errors.Add("endsAt", "The window ends after it starts.");
        if (request.Kind == OnSaleKind.General && !string.IsNullOrEmpty(request.AccessCode))
            errors.Add("accessCode", "A general sale has no access code; use kind 'presale'.");
        if (request.Kind == OnSaleKind.Presale)
        {
            if (string.IsNullOrWhiteSpace(request.AccessCode))
            {
                if (isNew) errors.Add("accessCode", "A presale needs an access code.");
            }
            else if (request.AccessCode.Trim().Length is < 4 or > 64)
                errors.Add("accessCode", "An access code has 4 to 64 characters.");
        }
        if (errors.Count > 0) return (null, errors.ToDictionary());
        return (new WindowTerms(request.Kind, name, request.StartsAt, request.EndsAt, request.AccessCode), null);
    }

    static WindowView View(OnSaleWindow w, TimeProvider clock) =>
        new(w.Id, w.Kind, w.Name, w.StartsAt, w.EndsAt, w.HasAccessCode, w.IsOpen(clock.GetUtcNow()));
}
