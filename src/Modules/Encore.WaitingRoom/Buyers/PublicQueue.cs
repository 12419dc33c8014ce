using System.Collections.Concurrent;
using Encore.WaitingRoom.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.WaitingRoom.Buyers;

/// <summary>What anyone may read about an on-sale's queue: its schedule, the serving counter, and the draw to verify.</summary>
internal static class PublicQueue
{
    /// <param name="Phase">upcoming (before the pre-queue opens), pre-queue, open, or closed.</param>
    /// <param name="Commitment">hex SHA-256 of the draw's seed, published before anyone can join.</param>
    internal sealed record PublicQueueView(
        Guid EventId, string Phase, DateTimeOffset PreQueueOpensAt, DateTimeOffset StartsAt, DateTimeOffset? ClosesAt, QueueMode Mode,
        int? AdmitPerMinute, int? MaxActive, long Serving, long Waiting, string Commitment, string QueueUrl, string DrawUrl);

    /// <param name="Seed">hex; revealed once the pre-queue is sealed (at the start), never before.</param>
    /// <param name="PreQueueEntries">How many joined before the seal: entry ids 1 to this took part in the draw.</param>
    /// <param name="Order">Entry ids in drawn order: the first has number 1.</param>
    internal sealed record DrawView(Guid EventId, string Algorithm, string Commitment, string? Seed, long? PreQueueEntries, IReadOnlyList<int>? Order);

    static readonly ConcurrentDictionary<(Guid, long), int[]> Orders = new();

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/waiting-room").WithTags("Waiting room").AllowAnonymous();
        group.MapGet("/{eventId:guid}", Get)
            .WithSummary("An on-sale's queue: schedule, phase, serving counter and the draw's commitment")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{eventId:guid}/draw", Draw)
            .WithSummary("The draw of the pre-queue, to verify: algorithm, commitment, and once sealed the seed and the drawn order")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static string Phase(QueueSettings settings, DateTimeOffset now) =>
        settings.ClosesAt is { } closes && now >= closes ? "closed"
        : now < settings.PreQueueOpensAt ? "upcoming"
        : now < settings.StartsAt ? "pre-queue"
        : "open";

    static async Task<Results<Ok<PublicQueueView>, ProblemHttpResult>> Get(
        Guid eventId, QueueDirectory directory, IQueueStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await directory.SettingsAsync(eventId, ct) is not { } settings)
            return TypedResults.Problem(title: "Not found", detail: "This event has no queue.", statusCode: StatusCodes.Status404NotFound);
        var now = clock.GetUtcNow();
        var counters = await store.CountersAsync(eventId, now.ToUnixTimeMilliseconds());
        return TypedResults.Ok(new PublicQueueView(eventId, Phase(settings, now), settings.PreQueueOpensAt, settings.StartsAt, settings.ClosesAt,
            settings.Mode, settings.AdmitPerMinute, settings.MaxActive, counters.Serving, counters.Waiting,
            FairDraw.Commitment(settings.Seed), QueueService.QueueUrl(eventId), $"/api/waiting-room/{eventId:D}/draw"));
    }

    static async Task<Results<Ok<DrawView>, ProblemHttpResult>> Draw(
        Guid eventId, QueueDirectory directory, IQueueStore store, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await directory.SettingsAsync(eventId, ct) is not { } settings)
            return TypedResults.Problem(title: "Not found", detail: "This event has no queue.", statusCode: StatusCodes.Status404NotFound);
        var counters = await store.CountersAsync(eventId, clock.GetUtcNow().ToUnixTimeMilliseconds());
        // The seed stays secret until the pre-queue is sealed: known earlier, it would tell a late
        // arrival which entry id would be drawn first.
        if (!counters.Sealed)
            return TypedResults.Ok(new DrawView(eventId, FairDraw.Algorithm, FairDraw.Commitment(settings.Seed), null, null, null));
        var order = Orders.GetOrAdd((eventId, counters.PreQueue), key => FairDraw.Order(settings.Seed, (int)key.Item2));
        http.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(new DrawView(eventId, FairDraw.Algorithm, FairDraw.Commitment(settings.Seed),
            Convert.ToHexStringLower(settings.Seed), counters.PreQueue, order));
    }
}
