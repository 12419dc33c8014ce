using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.BuildingBlocks.Outbox;
using Encore.Catalog.Browse;
using Encore.Catalog.Organizers;
using Encore.Contracts.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Events;

/// <summary>What every organizer edit of an event shares: loading it for its owner, the concurrency check, and telling other modules.</summary>
internal static class EventWrites
{
    public const string IfMatch = "If-Match";

    /// <summary>The event with its children, tracked, if the user works for its organizer.</summary>
    public static Task<Event?> LoadAsync(CatalogDbContext db, ClaimsPrincipal user, Guid eventId, CancellationToken ct) =>
        CatalogQueries.WithChildren(db.Events.OwnedBy(db, Membership.UserId(user))).SingleOrDefaultAsync(e => e.Id == eventId, ct);

    public static ProblemHttpResult EventNotFound(Guid eventId) => Problems.NotFound($"No event {eventId}.");

    /// <summary>
    /// The client's view of the event: the version it read (body or If-Match). The save then only
    /// succeeds if nobody changed the event since, whether the other edit came before this request or during it.
    /// </summary>
    public static ProblemHttpResult? ExpectVersion(CatalogDbContext db, Event ev, Guid? expected)
    {
        if (expected is not { } version) return null;
        if (version != ev.Version) return Stale();
        db.Entry(ev).Property(e => e.Version).OriginalValue = version;
        return null;
    }

    public static Guid? VersionFrom(HttpContext http) =>
        Guid.TryParse(http.Request.Headers[IfMatch].ToString().Trim('"', 'W', '/'), out var version) ? version : null;

    /// <summary>Saves an edit; a published event's change leaves through the outbox in the same transaction.</summary>
    public static async Task<ProblemHttpResult?> SaveAsync(CatalogDbContext db, Event ev, TimeProvider clock, CancellationToken ct)
    {
        if (ev.Status == StoredEventStatus.Published) db.AddToOutbox(new EventChanged(ev.Id, ev.OrganizerId), clock);
        return await SaveAsync(db, ct);
    }

    public static async Task<ProblemHttpResult?> SaveAsync(CatalogDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale();
        }
    }

    static ProblemHttpResult Stale() => Problems.Conflict(
        "Event changed since you read it",
        "Someone else changed this event. Reload it, reapply your change, and send the new version.");

    public static void SetETag(HttpContext http, Event ev) => http.Response.Headers.ETag = $"\"{ev.Version}\"";
}
