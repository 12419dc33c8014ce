using System.Net;
using System.Net.Http.Json;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Orders;

namespace Encore.Tests.Inventory;

/// <summary>
/// Two app instances on one PostgreSQL database and one Redis, as a scaled deployment runs:
/// many buyers at once for the same seats get exactly one winner, and a standing area is never oversold.
/// Run on the Redis hold store and on the advisory-lock store the benchmark compares it with.
/// </summary>
public sealed class HoldConcurrencyTests
{
    const int Requests = 50;

    [Theory]
    [InlineData("Redis")]
    [InlineData("AdvisoryLock")]
    public async Task Across_two_instances_one_buyer_wins_the_seats_and_standing_is_never_oversold(string holdStore)
    {
        await using var first = EncoreAppFactory.Postgres(seedDemo: true).With("Encore:Inventory:HoldStore", holdStore);
        var organizer = await first.SignedInAsync("organizer@encore.test");
        await using var second = EncoreAppFactory.PostgresOn(first.ConnectionString).With("Encore:Inventory:HoldStore", holdStore);
        second.CreateClient().Dispose();

        // Twenty standing places for fifty requests.
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 20));

        var buyers = new List<HttpClient>();
        for (var i = 0; i < 10; i++) buyers.Add(await first.NewBuyerAsync(signInOn: i % 2 == 0 ? first : second));
        // Each buyer is also a client of the other instance: the bearer token is valid on both.
        var clients = Enumerable.Range(0, Requests).Select(i =>
        {
            var instance = i % 2 == 0 ? first : second;
            var client = instance.CreateClient();
            client.DefaultRequestHeaders.Authorization = buyers[i % buyers.Count].DefaultRequestHeaders.Authorization;
            return client;
        }).ToList();

        using var start = new SemaphoreSlim(0);
        var seatRace = clients.Select(async client =>
        {
            await start.WaitAsync();
            return await client.HoldSeatsAsync(sale, "B4", "B5");
        }).ToList();
        start.Release(Requests);
        var seatResults = await Task.WhenAll(seatRace);

        var odd = seatResults.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)).ToList();
        Assert.True(odd.Count == 0, string.Join("\n", await Task.WhenAll(odd.Select(async r => $"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}"))));
        Assert.Single(seatResults, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(Requests - 1, seatResults.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var lost in seatResults.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal("application/problem+json", lost.Content.Headers.ContentType?.MediaType);
        var held = (await first.CreateClient().AvailabilityAsync(sale))["seats"]!["held"].Ids();
        Assert.Equal(new[] { sale.Seats["B4"], sale.Seats["B5"] }.Order(), held.Order());

        using var gate = new SemaphoreSlim(0);
        var standingRace = clients.Select(async client =>
        {
            await gate.WaitAsync();
            return await client.HoldStandingAsync(sale, 1);
        }).ToList();
        gate.Release(Requests);
        var standingResults = await Task.WhenAll(standingRace);

        Assert.Equal(20, standingResults.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(Requests - 20, standingResults.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, (await second.CreateClient().AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("Redis")]
    [InlineData("AdvisoryLock")]
    public async Task What_a_buyer_bought_on_one_instance_counts_toward_their_limit_on_the_other(string holdStore)
    {
        await using var first = EncoreAppFactory.Postgres(seedDemo: true).With("Encore:Inventory:HoldStore", holdStore);
        var organizer = await first.SignedInAsync("organizer@encore.test");
        await using var second = EncoreAppFactory.PostgresOn(first.ConnectionString).With("Encore:Inventory:HoldStore", holdStore);
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/hold-settings", new { holdMinutes = 15, ticketLimit = 3 })).StatusCode);
        var buyer = await first.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A1", "A2")).HoldIdAsync());
        Assert.Equal(HttpStatusCode.OK, (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).StatusCode);
        // One database: the instances' relays share its outbox.
        await first.WaitForOutboxAsync();

        // The hold store (shared by both instances) knows the two places bought; no instance counts them in the database.
        var elsewhere = second.CreateClient();
        elsewhere.DefaultRequestHeaders.Authorization = buyer.DefaultRequestHeaders.Authorization;
        var over = await elsewhere.HoldStandingAsync(sale, 2);
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Equal(2, (await over.ReadJsonAsync())["held"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, (await elsewhere.HoldStandingAsync(sale, 1)).StatusCode);
    }
}
