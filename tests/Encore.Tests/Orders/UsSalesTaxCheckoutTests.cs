using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Contracts.Payments;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;

namespace Encore.Tests.Orders;

/// <summary>
/// A US venue's state reaches pricing: checkout adds that state's sales tax on top of the listed
/// prices (US prices exclude tax), the event page's "from … incl. fees" is what one ticket costs,
/// and the gateway is asked for exactly the total shown.
/// </summary>
public sealed partial class UsSalesTaxCheckoutTests
{
    /// <summary>A standing floor in the given state, one tier of 20.00 USD on it, on sale now.</summary>
    static async Task<(OnSale Sale, string Slug)> PublishInStateAsync(HttpClient organizer, string region, string zone)
    {
        var venue = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(CatalogClient.SmallVenue("State Hall " + Guid.NewGuid().ToString("N")[..6], "Springfield"), CatalogClient.Json))!;
        venue["countryCode"] = "US";
        venue["region"] = region;
        venue["timeZone"] = zone;
        var venueId = await organizer.CreateVenueAsync(venue);
        var eventId = await organizer.CreateDraftAsync(venueId, "Sales Tax Night " + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances", new { startsAt = CatalogClient.LocalInDays(30) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/tiers",
            new { name = "General admission", priceMinor = 2000, currency = "USD", sectionCodes = new[] { "FLOOR" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/windows",
            new { kind = "general", startsAt = TimeProvider.System.GetUtcNow().AddHours(-1), endsAt = TimeProvider.System.GetUtcNow().AddDays(30) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsync($"/api/organizer/events/{eventId}/publish", null)).StatusCode);
        var detail = await (await organizer.GetAsync($"/api/events/{eventId}")).ReadJsonAsync();
        return (new OnSale(eventId, detail["performances"]![0]!["id"]!.GetValue<Guid>(), venueId, new Dictionary<string, Guid>()), detail["slug"]!.GetValue<string>());
    }

    [GeneratedRegex("data-all-in=\"([0-9]+)\"")]
    private static partial Regex AllIn();

    // Default fees: 10% + 0.50 service, 1.00 facility, no delivery. Face 20.00 → service 2.50, facility 1.00.
    // Tennessee taxes admissions and their fees at 7%: 1.40 + 0.175 (half-up 0.18) + 0.07 = 1.65 per place.
    // New York exempts admission to musical performances: no tax, yet priced rather than refused.
    [Theory]
    [InlineData("US-TN", "America/Chicago", 165, "Sales tax 7%")]
    [InlineData("US-NY", "America/New_York", 0, "Sales tax 0%")]
    public async Task A_US_event_adds_its_states_sales_tax_and_charges_what_it_shows(string region, string zone, long taxPerPlace, string label)
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var (sale, slug) = await PublishInStateAsync(organizer, region, zone);
        var buyer = await app.NewBuyerAsync();

        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldStandingAsync(sale, 2)).HoldIdAsync());

        Assert.Equal("USD", order["currency"]!.GetValue<string>());
        Assert.False(order["pricesIncludeTax"]!.GetValue<bool>());
        Assert.Equal(label, order["taxLabel"]!.GetValue<string>());
        Assert.Equal(4000, order["faceValueMinor"]!.GetValue<long>());
        Assert.Equal(500, order["serviceFeeMinor"]!.GetValue<long>());
        Assert.Equal(200, order["facilityFeeMinor"]!.GetValue<long>());
        Assert.Equal(2 * taxPerPlace, order["taxMinor"]!.GetValue<long>());
        Assert.Equal(4700 + 2 * taxPerPlace, order.Total());
        Assert.Equal(order.Total(), order.ListedSum());

        // The event page's all-in "from" price is one place of the tier, tax included.
        var page = await app.CreateClient().GetStringAsync($"/events/{slug}");
        Assert.Equal(2350 + taxPerPlace, long.Parse(AllIn().Match(page).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        var paid = await buyer.PayAsync(order.Id(), OrdersClient.Visa);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var payment = await app.PaymentOfAsync(order.Id());
        Assert.Equal(order.Total(), payment.Amount);
        Assert.Equal("USD", payment.Currency);
        Assert.Equal(PaymentState.Captured, payment.State);
    }
}
