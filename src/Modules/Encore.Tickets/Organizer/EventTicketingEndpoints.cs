using System.Security.Claims;
using Encore.Contracts.Catalog;
using Encore.Tickets.Codes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Organizer;

/// <summary>The organizer's side of an event's tickets: rotating display mode, keys (rotate, retire).</summary>
internal static class EventTicketingEndpoints
{
    internal sealed record TicketingSettings(bool RequireRotatingCodes);

    internal sealed record KeyInfo(string Kid, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, bool Signing);

    internal sealed record TicketingView(Guid EventId, bool RequireRotatingCodes, IReadOnlyList<KeyInfo> Keys);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapGet("/events/{eventId:guid}/ticketing", Get).WithSummary("The event's ticketing: rotating codes required, signing keys");
        organizer.MapPut("/events/{eventId:guid}/ticketing", Put).WithSummary("Require (or stop requiring) rotating codes at the gates");
        organizer.MapPost("/events/{eventId:guid}/ticket-keys", Rotate).WithSummary("Start signing with a new key; earlier keys keep verifying until retired");
        organizer.MapDelete("/events/{eventId:guid}/ticket-keys/{kid}", Retire).WithSummary("Retire a key: codes it signed stop admitting (the signing key cannot be retired)");
    }

    /// <summary>The event's organizer must count the caller as a member; anything else is a 404, as if the event did not exist.</summary>
    internal static async Task<Guid?> OwnedAsync(Guid eventId, ClaimsPrincipal user, ICatalogSchedule catalog, ICatalogInventorySource members, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return null;
        if (await catalog.GetEventOrganizerAsync(eventId, ct) is not { } organizerId) return null;
        return await members.IsOrganizerMemberAsync(organizerId, userId, ct) ? organizerId : null;
    }

    static async Task<EventKeys> EnsureAsync(Guid eventId, Guid organizerId, TicketsDbContext db, TicketKeyRing keys, CancellationToken ct) =>
        await keys.EnsureAsync(db, eventId, organizerId, ct);

    static TicketingView View(EventKeys ev) => new(ev.EventId, ev.RequireRotatingCodes,
        ev.Keys.OrderByDescending(k => k.CreatedAt).Select(k => new KeyInfo(k.Kid, k.CreatedAt, k.RetiredAt, k.KeyId == ev.Active.KeyId)).ToList());

    static async Task<Results<Ok<TicketingView>, NotFound>> Get(Guid eventId, ClaimsPrincipal user, TicketsDbContext db, TicketKeyRing keys,
        ICatalogSchedule catalog, ICatalogInventorySource members, CancellationToken ct)
    {
        if (await OwnedAsync(eventId, user, catalog, members, ct) is not { } organizerId) return TypedResults.NotFound();
        return TypedResults.Ok(View(await EnsureAsync(eventId, organizerId, db, keys, ct)));
    }

    static async Task<Results<Ok<TicketingView>, NotFound>> Put(Guid eventId, TicketingSettings settings, ClaimsPrincipal user, TicketsDbContext db, TicketKeyRing keys,
        ICatalogSchedule catalog, ICatalogInventorySource members, CancellationToken ct)
    {
        if (await OwnedAsync(eventId, user, catalog, members, ct) is not { } organizerId) return TypedResults.NotFound();
        await EnsureAsync(eventId, organizerId, db, keys, ct);
        await db.Events.Where(e => e.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.RequireRotatingCodes, settings.RequireRotatingCodes), ct);
        await keys.ChangedAsync(eventId);
        return TypedResults.Ok(View((await keys.ForEventAsync(eventId, ct))!));
    }

    static async Task<Results<Created<KeyInfo>, NotFound>> Rotate(Guid eventId, ClaimsPrincipal user, TicketsDbContext db, TicketKeyRing keys,
        ICatalogSchedule catalog, ICatalogInventorySource members, CancellationToken ct)
    {
        if (await OwnedAsync(eventId, user, catalog, members, ct) is not { } organizerId) return TypedResults.NotFound();
        await EnsureAsync(eventId, organizerId, db, keys, ct);
        var key = await keys.RotateAsync(db, eventId, ct);
        return TypedResults.Created($"/api/events/{eventId}/ticket-keys", new KeyInfo(key.Kid, key.CreatedAt, null, true));
    }

    static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Retire(Guid eventId, string kid, ClaimsPrincipal user, TicketsDbContext db, TicketKeyRing keys,
        ICatalogSchedule catalog, ICatalogInventorySource members, TimeProvider clock, CancellationToken ct)
    {
        if (await OwnedAsync(eventId, user, catalog, members, ct) is null) return TypedResults.NotFound();
        if (kid.Length != 8 || !uint.TryParse(kid, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var raw))
            return TypedResults.NotFound();
        var ev = await keys.ForEventAsync(eventId, ct);
        keys.Forget(eventId);
        ev = await keys.ForEventAsync(eventId, ct);
        var key = ev?.Keys.FirstOrDefault(k => k.KeyId == (int)raw);
        if (ev is null || key is null) return TypedResults.NotFound();
        if (key.KeyId == ev.Active.KeyId)
            return TypedResults.Problem(title: "Key in use", detail: "This key signs the event's codes now: start a new key first, then retire this one.", statusCode: StatusCodes.Status409Conflict);
        var now = clock.GetUtcNow();
        await db.SigningKeys.Where(k => k.KeyId == key.KeyId && k.RetiredAt == null).ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, now), ct);
        await keys.ChangedAsync(eventId);
        return TypedResults.NoContent();
    }
}
