using System.Net.ServerSentEvents;
using System.Threading.Channels;
using Encore.BuildingBlocks.Live;
using Encore.Inventory.Holds;
using Encore.Inventory.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.Inventory.Live;

/// <summary>
/// Server-sent events for a performance's seat map: <c>ready</c> once subscribed (the page then
/// refetches availability, so nothing published before it subscribed is missed), <c>change</c> with
/// an <see cref="AvailabilityChange"/>, <c>refetch</c> when this connection fell behind and dropped
/// messages, and <c>ping</c> to keep proxies from closing an idle stream. Every instance holds one
/// broadcast subscription per performance, whatever number of pages watch it.
/// </summary>
internal static partial class AvailabilityStream
{
    const int Buffered = 64;
    static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/performances/{performanceId:guid}/availability/live", Handle).AllowAnonymous()
            .WithTags("Inventory")
            .WithSummary("Live availability changes of a performance (server-sent events)")
            .WithDescription("Events: ready (subscribed; fetch availability now), change ({v, held, blocked, free, gaHeld}: " +
                "seat ids whose state changed and standing units held per section, v the version in ms), refetch, ping.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> Handle(
        Guid performanceId, HoldService holds, AvailabilityFeed feed, ILiveBroadcast broadcast,
        IHostApplicationLifetime lifetime, HttpContext http, CancellationToken ct)
    {
        if (await holds.LayoutAsync(performanceId, ct) is null)
            return InventoryProblems.NotFound($"No performance {performanceId} on sale.");
        // Subscribed before the stream starts, so an instance that cannot listen answers 503 and the
        // page's EventSource tries again, instead of a stream that never hears a change.
        var inbox = new Inbox();
        try
        {
            // Ends with the request, whether or not the stream ever starts.
            http.Response.RegisterForDispose(await broadcast.SubscribeAsync(AvailabilityFeed.Channel(performanceId), inbox.Post));
        }
        catch (Exception e)
        {
            LogCannotListen(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AvailabilityStream)), e, performanceId);
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(title: "Live updates unavailable", detail: "Live availability cannot be followed right now; try again in a few seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        // Proxies such as nginx would otherwise buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        return TypedResults.ServerSentEvents(Events(performanceId, feed, inbox, stopping));
    }

    /// <summary>The messages of one connection; a full buffer drops them and marks the connection behind.</summary>
    sealed class Inbox
    {
        readonly Channel<string> messages = Channel.CreateBounded<string>(new BoundedChannelOptions(Buffered) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        int dropped;

        public ChannelReader<string> Reader => messages.Reader;
        public void Post(string message)
        {
            if (!messages.Writer.TryWrite(message)) Interlocked.Exchange(ref dropped, 1);
        }
        public bool FellBehind() => Interlocked.Exchange(ref dropped, 0) == 1;
    }

    static async IAsyncEnumerable<SseItem<string>> Events(
        Guid performanceId, AvailabilityFeed feed, Inbox inbox, CancellationTokenSource stopping)
    {
        using var _ = stopping;
        var ct = stopping.Token;
        using var watching = feed.Watch(performanceId);

        yield return new SseItem<string>("{}", "ready") { ReconnectionInterval = Reconnect };
        while (!ct.IsCancellationRequested)
        {
            string? message;
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(Heartbeat);
                message = await ReadAsync(inbox.Reader, wait.Token, ct);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (inbox.FellBehind()) yield return new SseItem<string>("{}", "refetch");
            yield return message is null ? new SseItem<string>("{}", "ping") : new SseItem<string>(message, "change");
        }
    }

    /// <summary>The next message, or null when the heartbeat is due first.</summary>
    static async Task<string?> ReadAsync(ChannelReader<string> reader, CancellationToken wait, CancellationToken stopping)
    {
        try
        {
            return await reader.ReadAsync(wait);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live availability stream of performance {PerformanceId} could not subscribe; answered 503")]
    static partial void LogCannotListen(ILogger logger, Exception exception, Guid performanceId);
}
