using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.WaitingRoom;

/// <summary>
/// The WebSocket line on real Kestrel sockets (TestServer's in-memory transport is not what a
/// browser talks to): the client's status first, then counters as the queue advances, the socket
/// open all the while.
/// </summary>
public sealed class WaitingRoomWebSocketTests
{
    [Fact]
    public async Task The_live_socket_sends_the_status_then_counters_and_stays_open()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true).Queued(clock);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow()))).StatusCode);
        var buyers = new List<HttpClient>();
        for (var i = 0; i < 5; i++)
        {
            buyers.Add(await app.NewBuyerAsync());
            Assert.Equal(HttpStatusCode.Created, (await buyers[i].JoinAsync(sale.EventId)).StatusCode);
        }

        // Two of them listen; the draw at the start decides who goes first, so neither knows its number yet.
        using var socket = await ConnectAsync(app, buyers[^1], sale.EventId);
        var first = await NextFrameAsync(socket);
        Assert.Equal("status", first["type"]!.GetValue<string>());
        Assert.Equal(5, first["status"]!["entryId"]!.GetValue<long>());
        Assert.Equal(0, first["serving"]!.GetValue<long>());
        using var leaver = await ConnectAsync(app, buyers[0], sale.EventId);
        Assert.Equal(1, (await NextFrameAsync(leaver))["status"]!["entryId"]!.GetValue<long>());

        clock.Advance(TimeSpan.FromMinutes(10));
        var counters = new List<long>();
        for (var tick = 0; tick < 4; tick++)
        {
            if (tick > 0) clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await app.TickAsync());
            // Each tick's counter arrives before the next tick, so none is dropped from the one-slot mailbox.
            var counter = await WaitingRoomScaledTests.NextCounterFrameAsync(() => NextFrameAsync(socket));
            counters.Add(counter["serving"]!.GetValue<long>());
            // The moment the counter moved, so a client can tell how late the push reached it.
            Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), counter["at"]!.GetValue<long>());
        }
        Assert.Equal([1L, 2, 3, 4], counters);
        Assert.Equal(WebSocketState.Open, socket.State);

        // Someone who leaves the line hears so at the next check-in, on a socket that stays open.
        Assert.Equal(HttpStatusCode.NoContent, (await buyers[0].PostAsync($"/api/waiting-room/{sale.EventId}/leave", null)).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(21));
        // (Check-ins sent before the leave are still on the way: the newest status says "left".)
        Assert.Equal("left", await StatusAsync(leaver, "left"));

        // A closing client gets its close frame answered (before, the server dropped the connection instead).
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketState.Open, leaver.State);

        // A server shutting down says so with a close frame, and waits for the client's answer.
        var stopping = app.DisposeAsync().AsTask();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await CloseStatusAsync(leaver));
        await leaver.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, leaver.State);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_socket_from_someone_not_in_line_is_refused_before_the_upgrade()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(DateTimeOffset.UtcNow))).StatusCode);
        var stranger = await app.NewBuyerAsync();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(app, stranger, sale.EventId));
        Assert.Equal(WebSocketError.NotAWebSocket, refused.WebSocketErrorCode);
    }

    static async Task<ClientWebSocket> ConnectAsync(EncoreAppFactory app, HttpClient buyer, Guid eventId)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", buyer.DefaultRequestHeaders.Authorization!.ToString());
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{address.Authority}/api/waiting-room/{eventId}/live"), CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(30));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads status frames until one in the expected state; the last state seen otherwise.</summary>
    static async Task<string?> StatusAsync(WebSocket socket, string expected)
    {
        string? state = null;
        for (var i = 0; i < 50 && state != expected; i++)
        {
            var frame = await NextFrameAsync(socket);
            if (frame["type"]!.GetValue<string>() == "status") state = frame["status"]!["state"]!.GetValue<string>();
        }
        return state;
    }

    /// <summary>Reads past any frames still on the way to the server's close frame.</summary>
    static async Task<WebSocketCloseStatus?> CloseStatusAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        for (var i = 0; i < 100; i++)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            if (received.MessageType == WebSocketMessageType.Close) return received.CloseStatus;
        }
        throw new InvalidOperationException("No close frame among 100 frames.");
    }

    static async Task<JsonObject> NextFrameAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            if (received.MessageType == WebSocketMessageType.Close)
                throw new WebSocketException($"The server closed the socket: {received.CloseStatus} {received.CloseStatusDescription}");
            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage) return JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.AsObject();
        }
    }
}
