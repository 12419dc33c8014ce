using System.Security.Claims;
using Encore.Contracts.Catalog;
using Encore.WaitingRoom.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.WaitingRoom.Organizer;

/// <summary>
/// Organizers set up an event's on-sale queue and watch it. PUT on the event's own address creates
/// or replaces the settings, so repeating a call changes nothing. Only members of the event's
/// organizer see it; anyone else gets 404.
/// </summary>
internal static class OrganizerQueue
{
    public const int MaxPerMinute = 100_000;
    public const int MaxQueueSizeLimit = 10_000_000;

    /// <param name="StartsAt">When admission starts; arrivals before it are drawn in random order at that moment.</param>
    /// <param name="PreQueueOpensAt">When buyers may start to join (at most StartsAt).</param>
    /// <param name="ClosesAt">Optional: no joins after this.</param>
    /// <param name="Mode">Pace (AdmitPerMinute) or Capacity (MaxActive).</param>
    /// <param name="TokenMinutes">How long an admission lasts, 1 to 60 minutes (default 10).</param>
    /// <param name="MaxQueueSize">Most people waiting at once (default 1,000,000); more are refused with 503 and Retry-After.</param>
    /// <param name="CheckInSeconds">A waiting client that has not checked in for this long is skipped when its turn comes (15 to 3600, default 120).</param>
    internal sealed record QueueSettingsRequest(
        DateTimeOffset? StartsAt, DateTimeOffset? PreQueueOpensAt, DateTimeOffset? ClosesAt, QueueMode? Mode,
        int? AdmitPerMinute, int? MaxActive, int? TokenMinutes, int? MaxQueueSize, int? CheckInSeconds);

    internal sealed record QueueStats(bool Drawn, long PreQueueEntries, long Serving, long Waiting, long Active, long Admitted, long Skipped);

    internal sealed record QueueSettingsView(
        Guid EventId, DateTimeOffset StartsAt, DateTimeOffset PreQueueOpensAt, DateTimeOffset? ClosesAt, QueueMode Mode,
        int? AdmitPerMinute, int? MaxActive, int TokenMinutes, int MaxQueueSize, int CheckInSeconds, string Phase,
        string Commitment, string QueueUrl, QueueStats Stats);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPut("/events/{eventId:guid}/waiting-room", Put)
            .WithSummary("Create or replace an event's on-sale queue (idempotent)")
            .WithDescription("Pace mode admits AdmitPerMinute shoppers a minute; capacity mode keeps at most MaxActive shopping at once. " +
                "Start and pre-queue times are fixed once the pre-queue has opened (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapGet("/events/{eventId:guid}/waiting-room", Get)
            .WithSummary("An event's queue settings with live figures: waiting, admitted, shopping now")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    static ProblemHttpResult NotFound(Guid eventId) =>
        TypedResults.Problem(title: "Not found", detail: $"No event {eventId} of yours with a performance.", statusCode: StatusCodes.Status404NotFound);

    internal static async Task<bool> OwnsAsync(Guid eventId, ClaimsPrincipal user, QueueDirectory directory, ICatalogInventorySource catalog, CancellationToken ct) =>
        QueueService.AccountId(user) is { } userId
        && await directory.OrganizerOfAsync(eventId, ct) is { } organizerId
        && await catalog.IsOrganizerMemberAsync(organizerId, userId, ct);

    internal static async Task<Results<Ok<QueueSettingsView>, ValidationProblem, ProblemHttpResult>> Put(
        Guid eventId, QueueSettingsRequest request, ClaimsPrincipal user, WaitingRoomDbContext db, QueueDirectory directory,
        ICatalogInventorySource catalog, IQueueStore store, TimeProvider clock, CancellationToken ct)
    {
        // Ownership first: someone else's event is 404 whatever the body says.
        if (!await OwnsAsync(eventId, user, directory, catalog, ct)) return NotFound(eventId);
        if (Validate(request) is { } errors) return TypedResults.ValidationProblem(errors);
        // Milliseconds, as every store keeps them (PostgreSQL has microseconds, the queue stores milliseconds).
        request = request with { StartsAt = Millis(request.StartsAt), PreQueueOpensAt = Millis(request.PreQueueOpensAt), ClosesAt = Millis(request.ClosesAt) };
        var organizerId = (await directory.OrganizerOfAsync(eventId, ct))!.Value;
        var now = clock.GetUtcNow();

        for (var attempt = 0; ; attempt++)
        {
            var settings = await db.Queues.SingleOrDefaultAsync(q => q.EventId == eventId, ct);
            if (settings is null)
                db.Queues.Add(settings = new QueueSettings { EventId = eventId, OrganizerId = organizerId, Seed = FairDraw.NewSeed(), CreatedAt = now });
            else if (now >= settings.PreQueueOpensAt && (settings.StartsAt != request.StartsAt || settings.PreQueueOpensAt != request.PreQueueOpensAt))
                // Buyers already joined against this schedule, and the draw's commitment is public.
                return TypedResults.Problem(title: "Schedule fixed",
                    detail: "The pre-queue has opened, so its opening and start times can no longer change. Pace, capacity and limits can.",
                    statusCode: StatusCodes.Status409Conflict);
            Apply(settings, request, now);
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Two first calls at once: the other created the row; apply this one over it.
                db.ChangeTracker.Clear();
            }
        }
        directory.Invalidate(eventId);
        return TypedResults.Ok(await ViewAsync(eventId, db, store, clock, ct));
    }

    internal static async Task<Results<Ok<QueueSettingsView>, ProblemHttpResult>> Get(
        Guid eventId, ClaimsPrincipal user, WaitingRoomDbContext db, QueueDirectory directory, ICatalogInventorySource catalog,
        IQueueStore store, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!await OwnsAsync(eventId, user, directory, catalog, ct)) return NotFound(eventId);
        if (await db.Queues.AnyAsync(q => q.EventId == eventId, ct) is false)
            return TypedResults.Problem(title: "No queue", detail: "This event has no queue yet.", statusCode: StatusCodes.Status404NotFound);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await ViewAsync(eventId, db, store, clock, ct));
    }

    static async Task<QueueSettingsView> ViewAsync(Guid eventId, WaitingRoomDbContext db, IQueueStore store, TimeProvider clock, CancellationToken ct)
    {
        var s = await db.Queues.AsNoTracking().SingleAsync(q => q.EventId == eventId, ct);
        var now = clock.GetUtcNow();
        var c = await store.CountersAsync(eventId, now.ToUnixTimeMilliseconds());
        return new QueueSettingsView(eventId, s.StartsAt, s.PreQueueOpensAt, s.ClosesAt, s.Mode, s.AdmitPerMinute, s.MaxActive, s.TokenMinutes,
            s.MaxQueueSize, s.CheckInSeconds, Buyers.PublicQueue.Phase(s, now), FairDraw.Commitment(s.Seed), QueueService.QueueUrl(eventId),
            new QueueStats(c.Ordered, c.PreQueue, c.Serving, c.Waiting, c.Active, c.AdmittedTotal, c.ExpiredTotal));
    }

    static DateTimeOffset? Millis(DateTimeOffset? at) =>
        at is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()) : null;

    static void Apply(QueueSettings settings, QueueSettingsRequest request, DateTimeOffset now)
    {
        settings.StartsAt = request.StartsAt!.Value;
        settings.PreQueueOpensAt = request.PreQueueOpensAt!.Value;
        settings.ClosesAt = request.ClosesAt;
        settings.Mode = request.Mode!.Value;
        settings.AdmitPerMinute = request.Mode == QueueMode.Pace ? request.AdmitPerMinute : null;
        settings.MaxActive = request.Mode == QueueMode.Capacity ? request.MaxActive : null;
        settings.TokenMinutes = request.TokenMinutes ?? 10;
        settings.MaxQueueSize = request.MaxQueueSize ?? 1_000_000;
        settings.CheckInSeconds = request.CheckInSeconds ?? 120;
        settings.UpdatedAt = now;
    }

    internal static Dictionary<string, string[]>? Validate(QueueSettingsRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var year = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var until = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (request.StartsAt is not { } starts || starts < year || starts > until) errors["startsAt"] = ["Give the start of admission."];
        if (request.PreQueueOpensAt is not { } opens || opens < year || opens > until) errors["preQueueOpensAt"] = ["Give when the pre-queue opens."];
        else if (request.StartsAt is { } s && opens > s) errors["preQueueOpensAt"] = ["The pre-queue opens at or before the start."];
        else if (request.StartsAt is { } s2 && s2 - opens > TimeSpan.FromDays(7)) errors["preQueueOpensAt"] = ["The pre-queue opens at most 7 days before the start."];
        if (request.ClosesAt is { } closes && request.StartsAt is { } s3 && closes <= s3) errors["closesAt"] = ["The queue closes after the start."];
        switch (request.Mode)
        {
            case QueueMode.Pace:
                if (request.AdmitPerMinute is not (>= 1 and <= MaxPerMinute)) errors["admitPerMinute"] = [$"Admit between 1 and {MaxPerMinute:N0} people a minute."];
                break;
            case QueueMode.Capacity:
                if (request.MaxActive is not (>= 1 and <= MaxPerMinute)) errors["maxActive"] = [$"Allow between 1 and {MaxPerMinute:N0} shoppers at once."];
                break;
            default:
                errors["mode"] = ["Choose Pace or Capacity."];
                break;
        }
        if (request.TokenMinutes is not (null or (>= 1 and <= 60))) errors["tokenMinutes"] = ["An admission lasts between 1 and 60 minutes."];
        if (request.MaxQueueSize is not (null or (>= 1 and <= MaxQueueSizeLimit))) errors["maxQueueSize"] = [$"The queue holds between 1 and {MaxQueueSizeLimit:N0} people."];
        if (request.CheckInSeconds is not (null or (>= 15 and <= 3600))) errors["checkInSeconds"] = ["The check-in window is between 15 and 3600 seconds."];
        return errors.Count == 0 ? null : errors;
    }
}
