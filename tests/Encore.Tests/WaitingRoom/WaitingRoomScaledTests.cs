using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.WaitingRoom;

/// <summary>
/// Two app instances on one PostgreSQL database and one Redis, as a scaled deployment runs: joins
/// through either share one line and one counter, only one instance advances a queue per tick,
/// and a counter published by one instance reaches live clients of the other.
/// </summary>
public sealed class WaitingRoomScaledTests
{
    [Fact]
    public async Task Two_instances_share_one_line_and_one_counter_and_push_reaches_the_other_instance_s_clients()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = EncoreAppFactory.Postgres(seedDemo: true).Queued(clock);
        var organizer = await first.SignedInAsync("organizer@encore.test");
        await using var second = first.AnotherInstance();
        second.CreateClient().Dispose();
        var sale = await organizer.PublishOnSaleAsync();
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow(), perMinute: 120))).StatusCode);

        var buyers = new List<HttpClient>();
        for (var i = 0; i < 6; i++) buyers.Add(await first.NewBuyerAsync(signInOn: i % 2 == 0 ? first : second));
        var entries = new List<long>();
        foreach (var buyer in buyers) entries.Add((await (await buyer.JoinAsync(sale.EventId)).ReadJsonAsync())["entryId"]!.GetValue<long>());
        Assert.Equal([1L, 2, 3, 4, 5, 6], entries.Order());
        // The same place, asked through the other instance.
        var across = second.OtherDevice(buyers[0]);
        Assert.Equal(entries[0], (await across.StatusAsync(sale.EventId))["entryId"]!.GetValue<long>());

        // A live client of the second instance (Server-Sent Events).
        using var sse = await second.OtherDevice(buyers[1]).SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/waiting-room/{sale.EventId}/events"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await sse.Content.ReadAsStreamAsync());
        Assert.Equal("status", (await NextEventAsync(events))["type"]!.GetValue<string>());

        // At the start both instances tick at the same moment, tick after tick: exactly one advances each time.
        clock.Advance(TimeSpan.FromMinutes(10));
        var firstAdvances = 0;
        for (var tick = 0; tick < 4; tick++)
        {
            if (tick > 0) clock.Advance(TimeSpan.FromSeconds(1));
            var byFirst = await first.TickAsync();
            var bySecond = await second.TickAsync();
            Assert.Equal(1, byFirst + bySecond);
            firstAdvances += byFirst;
        }
        // The first instance ticked first each time, so every counter the clients got came from it.
        Assert.Equal(4, firstAdvances);

        var counter = await NextCounterAsync(() => NextEventAsync(events));
        Assert.InRange(counter, 1, 6);

        // Two a second for four ticks: all six are in; both instances say so.
        foreach (var instance in new[] { first, second })
            Assert.Equal(6, (await (await instance.CreateClient().GetAsync($"/api/waiting-room/{sale.EventId}")).ReadJsonAsync())["serving"]!.GetValue<long>());
        Assert.Equal("admitted", (await across.StatusAsync(sale.EventId))["state"]!.GetValue<string>());
    }

    internal static async Task<long> NextCounterAsync(Func<Task<JsonObject>> next) => (await NextCounterFrameAsync(next))["serving"]!.GetValue<long>();

    internal static async Task<JsonObject> NextCounterFrameAsync(Func<Task<JsonObject>> next)
    {
        for (var i = 0; i < 50; i++)
        {
            var frame = await next();
            if (frame["type"]!.GetValue<string>() == "counter") return frame;
        }
        throw new TimeoutException("No counter frame among 50.");
    }

    static async Task<JsonObject> NextEventAsync(StreamReader events)
    {
        while (true)
        {
            var line = await events.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
                ?? throw new EndOfStreamException("The event stream ended.");
            if (line.StartsWith("data: ", StringComparison.Ordinal)) return JsonNode.Parse(line["data: ".Length..])!.AsObject();
        }
    }
}
