using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Live;
using Encore.WaitingRoom.Buyers;
using Encore.WaitingRoom.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.WaitingRoom.Live;

/// <summary>
/// The waiting page's live line: a WebSocket, or Server-Sent Events where WebSockets do not get
/// through. On connect the client gets its full status; then every serving-counter broadcast (one
/// per tick, from whichever instance advanced) and, every LiveCheckInSeconds, a fresh status, which
/// is also the check-in that keeps its place. The place is server-side per account, so a
/// reconnect simply resumes. Streams are not REST operations, so they are left out of the OpenAPI document.
/// </summary>
internal static partial class LiveQueue
{
    public static void Map(RouteGroupBuilder buyer)
    {
        buyer.MapGet("/waiting-room/{eventId:guid}/live", Live).RequireRateLimiting(Encore.Contracts.FlashSale.RateLimitPolicies.QueueStatus).ExcludeFromDescription();
        buyer.MapGet("/waiting-room/{eventId:guid}/events", Events).RequireRateLimiting(Encore.Contracts.FlashSale.RateLimitPolicies.QueueStatus).ExcludeFromDescription();
    }

    /// <summary>A frame of the live line: "counter" (serving and phase) or "status" (the client's own place).</summary>
    /// <param name="At">Counter frames: when the counter moved (Unix ms).</param>
    internal sealed record Frame(string Type, long? Serving, string? Phase, QueueStatusView? Status, long? At = null);

    static async Task<IResult?> RefuseAsync(Guid eventId, ClaimsPrincipal user, QueueService queues, HttpContext http)
    {
        if (QueueService.AccountId(user) is not { } accountId)
            return TypedResults.Problem(title: "Not signed in", statusCode: StatusCodes.Status401Unauthorized);
        var outcome = await queues.StatusAsync(eventId, accountId, http, touch: true, http.RequestAborted, issueToken: false);
        return BuyerQueue.Problem(outcome, http);
    }

    /// <summary>
    /// The counter broadcasts for one line, subscribed before the line opens: an instance that cannot
    /// listen (Redis unreachable) answers 503 with Retry-After, and the page reconnects, instead of a
    /// line that never hears the counter. Only the newest counter matters: a slow client skips the ones it missed.
    /// </summary>
    static async Task<(ChannelReader<string>? Counters, IResult? Refusal)> ListenAsync(Guid eventId, ILiveBroadcast live, HttpContext http)
    {
        var mailbox = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        try
        {
            http.Response.RegisterForDispose(await live.SubscribeAsync(QueueService.Channel(eventId), message => mailbox.Writer.TryWrite(message)));
            return (mailbox.Reader, null);
        }
        catch (Exception e)
        {
            LogCannotListen(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveQueue)), e, eventId);
            http.Response.Headers.RetryAfter = "3";
            return (null, TypedResults.Problem(title: "Live line unavailable", detail: "The live line cannot open right now; try again in a few seconds. Your place is kept.",
                statusCode: StatusCodes.Status503ServiceUnavailable));
        }
    }

    static async Task Live(Guid eventId, ClaimsPrincipal user, QueueService queues, ILiveBroadcast live, WaitingRoomOptions options,
        IHostApplicationLifetime lifetime, TimeProvider clock, HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(title: "WebSocket expected", detail: "Open this address as a WebSocket, or use …/events (Server-Sent Events).",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return;
        }
        if (await RefuseAsync(eventId, user, queues, http) is { } refused)
        {
            await refused.ExecuteAsync(http);
            return;
        }
        var (counters, unavailable) = await ListenAsync(eventId, live, http);
        if (counters is null)
        {
            await unavailable!.ExecuteAsync(http);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        // The client only ever closes. The reader waits for that close frame with the connection's own
        // token only: cancelling a pending ReceiveAsync (or SendAsync) aborts the whole socket, which
        // would turn every close into a torn connection without a close frame.
        var reading = ReadUntilCloseAsync(socket, stop, http.RequestAborted);
        await PumpAsync(eventId, user, queues, counters, options, clock, http, stop.Token,
            frame => socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, http.RequestAborted));
        try
        {
            if (socket.State == WebSocketState.CloseReceived)
            {
                // The client closed: answer its close frame, which completes the handshake.
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, http.RequestAborted);
            }
            else if (socket.State == WebSocketState.Open)
            {
                // The server ends (shutting down, or the client left the line): say so, then give the
                // client a moment to answer before the connection goes.
                var status = lifetime.ApplicationStopping.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure;
                await socket.CloseOutputAsync(status, null, http.RequestAborted);
                await reading.WaitAsync(CloseWait, clock);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or TimeoutException)
        {
            socket.Abort();
        }
        await reading;
    }

    static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    static async Task ReadUntilCloseAsync(WebSocket socket, CancellationTokenSource stop, CancellationToken aborted)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, aborted);
                if (received.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        // Only cancels the pump's waiting; a frame being sent finishes first.
        try { await stop.CancelAsync(); }
        catch (ObjectDisposedException) { }
    }

    static async Task Events(Guid eventId, ClaimsPrincipal user, QueueService queues, ILiveBroadcast live, WaitingRoomOptions options,
        IHostApplicationLifetime lifetime, TimeProvider clock, HttpContext http)
    {
        if (await RefuseAsync(eventId, user, queues, http) is { } refused)
        {
            await refused.ExecuteAsync(http);
            return;
        }
        var (counters, unavailable) = await ListenAsync(eventId, live, http);
        if (counters is null)
        {
            await unavailable!.ExecuteAsync(http);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        // Tells nginx-style proxies not to buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync("retry: 3000\n\n", stop.Token);
        await http.Response.Body.FlushAsync(stop.Token);
        await PumpAsync(eventId, user, queues, counters, options, clock, http, stop.Token, async frame =>
        {
            await http.Response.WriteAsync($"data: {frame}\n\n", stop.Token);
            await http.Response.Body.FlushAsync(stop.Token);
        });
    }

    /// <summary>Status first, then broadcasts as they come and a check-in status every LiveCheckInSeconds.</summary>
    static async Task PumpAsync(Guid eventId, ClaimsPrincipal user, QueueService queues, ChannelReader<string> counters, WaitingRoomOptions options,
        TimeProvider clock, HttpContext http, CancellationToken stop, Func<string, Task> send)
    {
        var accountId = QueueService.AccountId(user)!.Value;
        var checkIn = TimeSpan.FromSeconds(options.LiveCheckInSeconds);
        try
        {
            if (!await SendStatusAsync(eventId, accountId, queues, http, send, stop)) return;
            var nextCheckIn = clock.GetUtcNow() + checkIn;
            while (!stop.IsCancellationRequested)
            {
                var wait = nextCheckIn - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    using var timer = new CancellationTokenSource(wait, clock);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop, timer.Token);
                    try
                    {
                        var message = await counters.ReadAsync(timeout.Token);
                        var counter = JsonSerializer.Deserialize<QueueAdvancer.LiveMessage>(message, JsonSerializerOptions.Web)!;
                        await send(JsonSerializer.Serialize(new Frame("counter", counter.Serving, counter.Phase, null, counter.At), JsonSerializerOptions.Web));
                        continue;
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
                }
                if (!await SendStatusAsync(eventId, accountId, queues, http, send, stop)) return;
                nextCheckIn = clock.GetUtcNow() + checkIn;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException) { }
        catch (Exception ex) when (Outages.Caused(ex))
        {
            // The status read needs PostgreSQL and Redis. The line is already open, so no 503 can be
            // said: it closes, and the page reconnects after a pause (its place is kept server-side).
            LogStoreDown(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveQueue)), ex, eventId);
        }
    }

    static async Task<bool> SendStatusAsync(Guid eventId, Guid accountId, QueueService queues, HttpContext http, Func<string, Task> send, CancellationToken stop)
    {
        // The token travels by the status endpoint (and its cookie) only, not down a long-lived stream.
        if (await queues.StatusAsync(eventId, accountId, http, touch: true, stop, issueToken: false) is not StatusOutcome.Found found) return false;
        var status = found.View;
        await send(JsonSerializer.Serialize(new Frame("status", status.Serving, null, status), JsonSerializerOptions.Web));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live line of waiting room {EventId} could not subscribe to the counter; answered 503")]
    static partial void LogCannotListen(ILogger logger, Exception exception, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live line of waiting room {EventId} closed: a store it reads was unavailable")]
    static partial void LogStoreDown(ILogger logger, Exception exception, Guid eventId);
}
