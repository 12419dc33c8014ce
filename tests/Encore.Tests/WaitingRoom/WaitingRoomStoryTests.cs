using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.WaitingRoom;

public sealed class WaitingRoomStoryTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Fans_queue_before_the_start_are_drawn_fairly_and_only_the_admitted_hold_seats(StorageProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.For(provider, seedDemo: true).Queued(clock);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var fan = await app.NewBuyerAsync();
        var friend = await app.NewBuyerAsync();

        // Without a queue, holds need no token; the organizer sets one up (twice: the same call changes nothing).
        var free = await fan.HoldSeatsAsync(sale, "A1");
        Assert.Equal(HttpStatusCode.Created, free.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync(free.Headers.Location)).StatusCode);
        var now = clock.GetUtcNow();
        var put = await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(now));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var config = await put.ReadJsonAsync();
        var again = await (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(now))).ReadJsonAsync();
        Assert.Equal(config["commitment"]!.GetValue<string>(), again["commitment"]!.GetValue<string>());
        Assert.Equal("pre-queue", again["phase"]!.GetValue<string>());

        // Now a hold needs an admission: 403 with the way to the queue.
        var refused = await fan.HoldSeatsAsync(sale, "A1");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal("Admission required", problem["title"]!.GetValue<string>());
        Assert.Equal($"/events/{sale.EventId}/queue", problem["queueUrl"]!.GetValue<string>());

        // One place per account: the second tab (and another device) get the same one.
        var joined = await fan.JoinAsync(sale.EventId);
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var entry = (await joined.ReadJsonAsync())["entryId"]!.GetValue<long>();
        var secondTab = await fan.JoinAsync(sale.EventId);
        Assert.Equal(HttpStatusCode.OK, secondTab.StatusCode);
        Assert.Equal(entry, (await secondTab.ReadJsonAsync())["entryId"]!.GetValue<long>());
        Assert.Equal(entry, (await (await app.OtherDevice(fan).JoinAsync(sale.EventId)).ReadJsonAsync())["entryId"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Created, (await friend.JoinAsync(sale.EventId)).StatusCode);
        var waiting = await fan.StatusAsync(sale.EventId);
        Assert.Equal("waiting", waiting["state"]!.GetValue<string>());
        Assert.False(waiting["drawn"]!.GetValue<bool>());

        var anonymous = app.CreateClient();
        var draw = await (await anonymous.GetAsync($"/api/waiting-room/{sale.EventId}/draw")).ReadJsonAsync();
        Assert.Null(draw["seed"]);
        var commitment = draw["commitment"]!.GetValue<string>();

        // The start: the pre-queue is sealed and drawn; the seed is revealed and matches the commitment.
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await app.TickAsync());
        draw = await (await anonymous.GetAsync($"/api/waiting-room/{sale.EventId}/draw")).ReadJsonAsync();
        var seed = Convert.FromHexString(draw["seed"]!.GetValue<string>());
        Assert.Equal(commitment, Convert.ToHexStringLower(SHA256.HashData(seed)));
        Assert.Equal(2, draw["preQueueEntries"]!.GetValue<long>());
        var order = draw["order"]!.AsArray().Select(n => n!.GetValue<long>()).ToList();
        Assert.Equal([1L, 2L], order.Order());
        var fanNumber = order.IndexOf(entry) + 1;

        // One a minute... one a second: after two more ticks both are in.
        clock.Advance(TimeSpan.FromSeconds(1));
        await app.TickAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        await app.TickAsync();
        var admitted = await fan.StatusAsync(sale.EventId);
        Assert.Equal(fanNumber, admitted["number"]!.GetValue<long>());
        Assert.Equal("admitted", admitted["state"]!.GetValue<string>());
        var token = admitted["admissionToken"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Created, (await fan.HoldSeatsAsync(sale, "A2")).StatusCode);
        var kept = await fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { sale.Seats["A3"] } }, "fan-a3");
        Assert.Equal(HttpStatusCode.Created, kept.StatusCode);

        // The token works for nobody else, on no other device, for no other on-sale.
        var stranger = await app.NewBuyerAsync();
        Assert.Equal("This admission token belongs to another account.", await RefusalAsync(stranger, sale, token));
        Assert.Equal("This admission token was issued to another device or browser.", await RefusalAsync(app.OtherDevice(fan), sale, token));
        var other = await organizer.PublishOnSaleAsync();
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(other.EventId, QueueClient.PaceSettings(clock.GetUtcNow()))).StatusCode);
        Assert.Equal("This admission token is for another on-sale.", await RefusalAsync(fan, other, token));
        // The same claims under another signature: the genuine token's verification is not reused for it.
        var parts = token.Split('.');
        var middle = parts[2].Length / 2;
        parts[2] = parts[2][..middle] + (parts[2][middle] == 'A' ? 'B' : 'A') + parts[2][(middle + 1)..];
        Assert.Equal("The admission token is not valid.", await RefusalAsync(fan, sale, string.Join('.', parts)));

        // Leaving checkout ends the admission at once; an expired one is refused too.
        Assert.Equal(HttpStatusCode.NoContent, (await friend.PostAsync($"/api/waiting-room/{sale.EventId}/leave", null)).StatusCode);
        Assert.Equal("left", (await friend.StatusAsync(sale.EventId))["state"]!.GetValue<string>());
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("Your admission has ended. Join the queue again.", await RefusalAsync(fan, sale, token));
        Assert.Equal("expired", (await fan.StatusAsync(sale.EventId))["state"]!.GetValue<string>());

        // A retry of a hold placed while admitted (its answer lost on the way) gets that hold back: the
        // seats stay the fan's until the hold ends, so the fan must learn of them. Nothing new gets through.
        var retried = await fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { sale.Seats["A3"] } }, "fan-a3");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(kept.Headers.Location, retried.Headers.Location);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.Forbidden, (await fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { sale.Seats["A4"] } }, "fan-a4")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { sale.Seats["A4"] } }, "fan-a3")).StatusCode);
    }

    static async Task<string> RefusalAsync(HttpClient client, OnSale sale, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{sale.PerformanceId}/holds")
        {
            Content = JsonContent.Create(new { seatIds = new[] { sale.Seats["B7"] } }),
        };
        request.Headers.Add("Encore-Admission", token);
        request.Headers.Add(Encore.Web.Gateway.ProofOfWorkCheck.Header, await Encore.Tests.Gateway.ProofOfWorkClient.ProofAsync(client));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return (await response.ReadJsonAsync())["detail"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_bad_settings_are_refused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true).Queued(clock);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();

        var bad = await organizer.PutQueueAsync(sale.EventId, new { startsAt = clock.GetUtcNow(), preQueueOpensAt = clock.GetUtcNow().AddHours(1), mode = "Pace" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("preQueueOpensAt"));
        Assert.True(errors.ContainsKey("admitPerMinute"));

        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow(), maxQueueSize: 1))).StatusCode);
        // Once the pre-queue is open its schedule is fixed; the pace is not.
        var moved = await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow().AddMinutes(1), maxQueueSize: 1));
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await (await app.NewBuyerAsync()).JoinAsync(sale.EventId)).StatusCode);
        var full = await (await app.NewBuyerAsync()).JoinAsync(sale.EventId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.Equal("60", full.Headers.RetryAfter!.ToString());
        Assert.Equal("Queue full", await full.ProblemTitleAsync());

        // A rival organizer neither sees nor changes it.
        var rival = await app.SecondOrganizerAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/organizer/events/{sale.EventId}/waiting-room")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow()))).StatusCode);
    }
}
