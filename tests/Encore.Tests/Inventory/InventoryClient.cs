using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Gateway;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Inventory;

/// <summary>A published event on the small test hall, with the ids a buyer needs.</summary>
internal sealed record OnSale(Guid EventId, Guid PerformanceId, Guid VenueId, IReadOnlyDictionary<string, Guid> Seats);

internal static class InventoryClient
{
    /// <summary>Stalls tier (45.00) on the reserved rows, Standing tier (20.00) on the floor, on sale now, published.</summary>
    public static async Task<OnSale> PublishOnSaleAsync(this HttpClient organizer, object? venue = null)
    {
        var venueId = await organizer.CreateVenueAsync(venue);
        var eventId = await organizer.CreateDraftAsync(venueId, "Hold Night " + Guid.NewGuid().ToString("N")[..6]);
        await organizer.MakeReadyAsync(eventId);
        Assert.Equal(HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/tiers",
            new { name = "Standing", priceMinor = 2000, currency = "GBP", sectionCodes = new[] { "FLOOR" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsync($"/api/organizer/events/{eventId}/publish", null)).StatusCode);

        var detail = await (await organizer.GetAsync($"/api/events/{eventId}")).ReadJsonAsync();
        var performanceId = detail["performances"]![0]!["id"]!.GetValue<Guid>();
        var map = await (await organizer.GetAsync($"/api/venues/{venueId}/seatmap")).ReadJsonAsync();
        var seats = new Dictionary<string, Guid>();
        foreach (var section in map["sections"]!.AsArray())
            foreach (var row in section!["rows"]?.AsArray() ?? [])
                foreach (var seat in row!["seats"]!.AsArray())
                    seats[$"{row["label"]!.GetValue<string>()}{seat!["label"]!.GetValue<string>()}"] = seat["id"]!.GetValue<Guid>();
        return new OnSale(eventId, performanceId, venueId, seats);
    }

    /// <summary>The small hall with a standing floor of the given capacity.</summary>
    public static object Hall(int floorCapacity) => new
    {
        name = "The Race Hall",
        address = "1 Test Street",
        city = "York",
        countryCode = "GB",
        timeZone = "Europe/London",
        width = 400,
        height = 300,
        sections = new object[]
        {
            new
            {
                code = "STALLS", name = "Stalls", kind = "reserved", priceZone = "A",
                rows = new[] { "A", "B" }.Select((row, r) => new
                {
                    label = row,
                    seats = Enumerable.Range(1, 10).Select(n => new { label = n.ToString(System.Globalization.CultureInfo.InvariantCulture), x = 20 + n * 30, y = 50 + r * 30 }).ToArray(),
                }).ToArray(),
            },
            new { code = "FLOOR", name = "Standing", kind = "generalAdmission", priceZone = "B", capacity = floorCapacity, x = 10, y = 150, width = 380, height = 100 },
        },
    };

    public static Task<HttpResponseMessage> HoldSeatsAsync(this HttpClient buyer, OnSale sale, params string[] seats) =>
        buyer.PlaceHoldAsync(sale.PerformanceId, new { seatIds = seats.Select(s => sale.Seats[s]).ToArray() });

    public static Task<HttpResponseMessage> HoldStandingAsync(this HttpClient buyer, OnSale sale, int quantity) =>
        buyer.PlaceHoldAsync(sale.PerformanceId, new { section = "FLOOR", quantity });

    /// <summary>POST a hold with a solved proof of work, as the seat-selection page does.</summary>
    public static Task<HttpResponseMessage> PlaceHoldAsync(this HttpClient buyer, Guid performanceId, object body, string? idempotencyKey = null) =>
        buyer.PostWithProofAsync($"/api/performances/{performanceId}/holds", body, "hold", idempotencyKey);

    public static async Task<JsonObject> AvailabilityAsync(this HttpClient client, OnSale sale)
    {
        var response = await client.GetAsync($"/api/performances/{sale.PerformanceId}/availability");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<string> ProblemTitleAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.ReadJsonAsync())["title"]!.GetValue<string>();
    }

    public static List<Guid> Ids(this JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<Guid>()).ToList();

    /// <summary>Signs in a fresh buyer account made through the registration API's store.</summary>
    public static async Task<HttpClient> NewBuyerAsync(this EncoreAppFactory app, EncoreAppFactory? signInOn = null) =>
        await (signInOn ?? app).SignedInAsync((await app.NewBuyerAccountAsync()).Email);

    /// <summary>A fresh buyer account (password <see cref="CatalogClient.Password"/>), not signed in anywhere.</summary>
    public static async Task<(string Email, Guid Id)> NewBuyerAccountAsync(this EncoreAppFactory app)
    {
        var email = $"fan-{Guid.NewGuid():N}@encore.test";
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Identity.EncoreUser>>();
        var user = new Encore.Identity.EncoreUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Fan", CreatedAt = TimeProvider.System.GetUtcNow() };
        Assert.True((await users.CreateAsync(user, CatalogClient.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Encore.Contracts.Identity.Roles.Buyer)).Succeeded);
        return (email, user.Id);
    }
}
