using System.Net;
using System.Net.WebSockets;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.WaitingRoom;

/// <summary>The embedded topology's live line over a WebSocket. (The counter push is asserted over SSE across instances in WaitingRoomScaledTests.)</summary>
public sealed class LiveLineTests
{
    [Fact]
    public async Task A_websocket_client_gets_its_place_and_a_reconnect_resumes_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true).Queued(clock);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow()))).StatusCode);
        var fan = await app.NewBuyerAsync();
        Assert.Equal(HttpStatusCode.Created, (await fan.JoinAsync(sale.EventId)).StatusCode);

        var client = app.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = fan.DefaultRequestHeaders.Authorization!.ToString();
        using var socket = await client.ConnectAsync(new Uri(app.Server.BaseAddress, $"/api/waiting-room/{sale.EventId}/live"), CancellationToken.None);
        var status = await WaitingRoomScaledTests.NextMessageAsync(socket);
        Assert.Equal("status", status["type"]!.GetValue<string>());
        Assert.Equal("waiting", status["status"]!["state"]!.GetValue<string>());

        // A second connection (a reconnect) resumes with the same place.
        using var again = await client.ConnectAsync(new Uri(app.Server.BaseAddress, $"/api/waiting-room/{sale.EventId}/live"), CancellationToken.None);
        var resumed = await WaitingRoomScaledTests.NextMessageAsync(again);
        Assert.Equal(status["status"]!["entryId"]!.GetValue<long>(), resumed["status"]!["entryId"]!.GetValue<long>());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
