using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;

namespace Encore.Tests.Inventory;

public sealed class HoldStoryTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Buyers_hold_seats_and_standing_places_and_a_lost_race_answers_409(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var anonymous = app.CreateClient();
        var buyer = await app.SignedInAsync("buyer@encore.test");
        var rival = await app.SignedInAsync("seller@encore.test");

        var before = await anonymous.AvailabilityAsync(sale);
        Assert.True(before["onSale"]!.GetValue<bool>());
        Assert.Equal(20, before["seats"]!["available"]!.GetValue<int>());
        Assert.Equal(100, before["generalAdmission"]![0]!["remaining"]!.GetValue<int>());

        var held = await buyer.HoldSeatsAsync(sale, "A3", "A4");
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        var hold = await held.ReadJsonAsync();
        var holdId = hold["id"]!.GetValue<Guid>();
        Assert.Equal(9000, hold["totalMinor"]!.GetValue<long>());
        Assert.Equal(held.Headers.Location!.ToString(), $"/api/holds/{holdId}");

        var lost = await rival.HoldSeatsAsync(sale, "A4", "A5");
        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        var problem = await lost.ReadJsonAsync();
        Assert.Equal("Seats no longer available", problem["title"]!.GetValue<string>());
        Assert.Equal([sale.Seats["A4"]], problem["seatIds"].Ids());
        Assert.Equal(HttpStatusCode.Created, (await rival.HoldSeatsAsync(sale, "A5")).StatusCode);

        var after = await anonymous.AvailabilityAsync(sale);
        Assert.Equal(17, after["seats"]!["available"]!.GetValue<int>());
        Assert.Equal(new[] { sale.Seats["A3"], sale.Seats["A4"], sale.Seats["A5"] }.Order(), after["seats"]!["held"].Ids().Order());

        // Only the holder sees, extends and cancels the hold; an extension is granted once.
        Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync($"/api/holds/{holdId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/holds/{holdId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.DeleteAsync($"/api/holds/{holdId}")).StatusCode);
        var extended = await buyer.PostAsync($"/api/holds/{holdId}/extend", null);
        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        var extendedHold = await extended.ReadJsonAsync();
        Assert.Equal(hold["expiresAt"]!.GetValue<DateTimeOffset>().AddMinutes(10), extendedHold["expiresAt"]!.GetValue<DateTimeOffset>());
        Assert.False(extendedHold["canExtend"]!.GetValue<bool>());
        var twice = await buyer.PostAsync($"/api/holds/{holdId}/extend", null);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("Hold already extended", await twice.ProblemTitleAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await buyer.DeleteAsync($"/api/holds/{holdId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.GetAsync($"/api/holds/{holdId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await rival.HoldSeatsAsync(sale, "A4")).StatusCode);

        // Standing places come off the floor's capacity.
        var standing = await buyer.HoldStandingAsync(sale, 3);
        Assert.Equal(HttpStatusCode.Created, standing.StatusCode);
        Assert.Equal(6000, (await standing.ReadJsonAsync())["totalMinor"]!.GetValue<long>());
        Assert.Equal(97, (await anonymous.AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>());

        // Best available: two adjacent seats in one row.
        var best = await buyer.PlaceHoldAsync(sale.PerformanceId, new { bestAvailable = new { quantity = 2 } });
        Assert.Equal(HttpStatusCode.Created, best.StatusCode);
        var bestSeats = (await best.ReadJsonAsync())["seats"]!.AsArray();
        Assert.Equal(2, bestSeats.Count);
        Assert.Equal(bestSeats[0]!["row"]!.GetValue<string>(), bestSeats[1]!["row"]!.GetValue<string>());
        var numbers = bestSeats.Select(s => int.Parse(s!["label"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(numbers[0] + 1, numbers[1]);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Limits_pools_idempotency_and_bad_input(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var buyer = await app.SignedInAsync("buyer@encore.test");

        // The organizer caps each buyer at four tickets per performance, across all their holds.
        var settings = await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/hold-settings", new { holdMinutes = 15, ticketLimit = 4 });
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldStandingAsync(sale, 3)).StatusCode);
        var over = await buyer.HoldSeatsAsync(sale, "B5", "B6");
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Equal("Ticket limit reached", await over.ProblemTitleAsync());
        var one = await buyer.HoldSeatsAsync(sale, "B5");
        Assert.Equal(HttpStatusCode.Created, one.StatusCode);
        var oneHold = await one.ReadJsonAsync();
        Assert.Equal(15, (oneHold["expiresAt"]!.GetValue<DateTimeOffset>() - oneHold["createdAt"]!.GetValue<DateTimeOffset>()).TotalMinutes);

        // Pools: blocked seats leave public sale until released; only the event's organizer manages them.
        var block = await organizer.PostAsJsonAsync($"/api/organizer/performances/{sale.PerformanceId}/pools/artist/block",
            new { seatIds = new[] { sale.Seats["B1"], sale.Seats["B2"] } });
        Assert.Equal(HttpStatusCode.OK, block.StatusCode);
        var fan = await app.NewBuyerAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await fan.HoldSeatsAsync(sale, "B2")).StatusCode);
        Assert.Equal(2, (await fan.AvailabilityAsync(sale))["seats"]!["blocked"]!.AsArray().Count);
        var heldByBuyer = await organizer.PostAsJsonAsync($"/api/organizer/performances/{sale.PerformanceId}/pools/boxOffice/block",
            new { seatIds = new[] { sale.Seats["B5"] } });
        Assert.Equal(HttpStatusCode.Conflict, heldByBuyer.StatusCode);
        var rivalOrganizer = await app.SecondOrganizerAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await rivalOrganizer.GetAsync($"/api/organizer/performances/{sale.PerformanceId}/pools")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rivalOrganizer.PostAsJsonAsync($"/api/organizer/performances/{sale.PerformanceId}/pools/artist/release",
            new { seatIds = new[] { sale.Seats["B2"] } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/organizer/performances/{sale.PerformanceId}/pools/artist/release",
            new { seatIds = new[] { sale.Seats["B2"] } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await fan.HoldSeatsAsync(sale, "B2")).StatusCode);
        var pools = await (await organizer.GetAsync($"/api/organizer/performances/{sale.PerformanceId}/pools")).ReadJsonAsync();
        Assert.Equal([sale.Seats["B1"]], pools["pools"]![0]!["seatIds"].Ids());

        // A retry with the same Idempotency-Key answers the same hold.
        Task<HttpResponseMessage> Keyed(string key, string seat) => fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { sale.Seats[seat] } }, key);
        var first = await Keyed("retry-1", "A8");
        var again = await Keyed("retry-1", "A8");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await first.ReadJsonAsync())["id"]!.GetValue<Guid>(), (await again.ReadJsonAsync())["id"]!.GetValue<Guid>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Keyed("retry-1", "A9")).StatusCode);

        // Bad input is 400, unknown performances 404, and neither holds anything.
        var both = await fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { sale.Seats["A1"] }, section = "FLOOR", quantity = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fan.PlaceHoldAsync(sale.PerformanceId, new { seatIds = new[] { Guid.NewGuid() } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fan.PlaceHoldAsync(sale.PerformanceId, new { section = "NOPE", quantity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fan.PlaceHoldAsync(sale.PerformanceId, new { bestAvailable = new { quantity = 0 } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fan.PlaceHoldAsync(Guid.NewGuid(), new { section = "FLOOR", quantity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().HoldSeatsAsync(sale, "A1")).StatusCode);
        Assert.DoesNotContain(sale.Seats["A1"], (await fan.AvailabilityAsync(sale))["seats"]!["held"].Ids());
    }

    [Fact]
    public async Task Availability_is_cacheable_and_answers_304_when_nothing_changed()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var anonymous = app.CreateClient();
        var first = await anonymous.GetAsync($"/api/performances/{sale.PerformanceId}/availability");
        Assert.Equal("public, max-age=2", first.Headers.CacheControl!.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/performances/{sale.PerformanceId}/availability");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(request)).StatusCode);

        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "A1")).StatusCode);
        using var changed = new HttpRequestMessage(HttpMethod.Get, $"/api/performances/{sale.PerformanceId}/availability");
        changed.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(changed)).StatusCode);
    }

    [Fact]
    public async Task Demo_events_published_before_the_inventory_existed_are_materialized_on_first_use()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var anonymous = app.CreateClient();
        var detail = await (await anonymous.GetAsync("/api/events/aurora-skies-winter-tour")).ReadJsonAsync();
        var performanceId = detail["performances"]![0]!["id"]!.GetValue<Guid>();

        var availability = await (await anonymous.GetAsync($"/api/performances/{performanceId}/availability")).ReadJsonAsync();
        Assert.True(availability["onSale"]!.GetValue<bool>());
        Assert.Equal(["BALCONY", "FLOOR"], availability["generalAdmission"]!.AsArray().Select(g => g!["section"]!.GetValue<string>()));
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Created, (await buyer.PlaceHoldAsync(performanceId, new { section = "FLOOR", quantity = 2 })).StatusCode);

        // A draft is nobody's business; the sold-out demo event holds nothing.
        var soldOut = await (await anonymous.GetAsync("/api/events/neon-pulse")).ReadJsonAsync();
        var soldOutPerformance = soldOut["performances"]![0]!["id"]!.GetValue<Guid>();
        var refused = await buyer.PlaceHoldAsync(soldOutPerformance, new { section = "FLOOR", quantity = 1 });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Sold out", await refused.ProblemTitleAsync());
    }
}
