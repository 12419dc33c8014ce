using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Tax;
using Encore.Orders;
using Encore.Orders.Pricing;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Orders;

/// <summary>
/// The amount charged is the amount shown (ARCHITECTURE.md §3, invariant 7): for every tier mix,
/// quantity, jurisdiction (EU and UK VAT included in prices, US sales tax added) and fee setting,
/// the page's lines add up to the total, the ledger's parts add up to it, the event page's "from"
/// figure is what one ticket costs at checkout, and over HTTP the gateway is asked for exactly it.
/// </summary>
public sealed class PricingTests
{
    static readonly TaxAddress[] Places =
    [
        new("GB"), new("DE"), new("FR"), new("IE"), new("NL"), new("ES"), new("IT"), new("AT"), new("SE"), new("FI"),
        new("US", "TX"), new("US", "NY"), new("US", "CA"), new("US", "FL"), new("US", "IL"), new("US", "WA"),
    ];

    [Fact]
    public async Task Every_breakdown_adds_up_to_the_total_the_ledger_posts_and_the_from_price_is_what_one_ticket_costs()
    {
        await using var app = EncoreAppFactory.Sqlite();
        await using var scope = app.Services.CreateAsyncScope();
        var pricing = scope.ServiceProvider.GetRequiredService<OrderPricing>();
        var random = new Random(20261126);
        var date = new DateOnly(2026, 11, 26);
        var exclusiveSeen = 0;
        var inclusiveSeen = 0;

        for (var run = 0; run < 400; run++)
        {
            var place = Places[random.Next(Places.Length)];
            var fees = run % 10 == 0
                ? new FeeSchedule(0, 0, 0, 0)
                : new FeeSchedule(random.Next(0, 5001), random.Next(0, 2001), random.Next(0, 1001), random.Next(0, 1501));
            var tiers = Enumerable.Range(0, random.Next(1, 5)).Select(_ => (long)random.Next(0, 250_001)).ToList();
            var quantity = random.Next(1, 9);
            var items = Enumerable.Range(0, quantity).Select(i => new PricingItem($"a{i}", tiers[random.Next(tiers.Count)])).ToList();
            var request = new PricingRequest(Guid.NewGuid(), place.Country == "US" ? "USD" : "EUR", place, fees, items, date);

            var price = await pricing.PriceAsync(request, CancellationToken.None);
            var what = $"run {run}: {place.Country}-{place.Region} {fees} {string.Join(",", items.Select(i => i.FaceValue))}";
            Assert.True(price.ListedSum == price.Total, what);
            Assert.True(price.Admissions.Sum(a => a.Total(price.PricesIncludeTax)) + price.DeliveryFee + (price.PricesIncludeTax ? 0 : price.DeliveryFeeTax) == price.Total, what);
            Assert.True(OrderPricing.ToMoney(price.PricesIncludeTax, price.Admissions, price.DeliveryFee, price.DeliveryFeeTax, price.DeliveryTaxJurisdiction).Total == price.Total, what);
            Assert.Equal(place.Country != "US", price.PricesIncludeTax);
            Assert.All(price.Admissions, a => Assert.Equal(fees.ServiceFeeFor(items.Single(i => i.Reference == a.Reference).FaceValue), a.ServiceFee));
            if (price.PricesIncludeTax) inclusiveSeen++; else exclusiveSeen++;
            if (price.PricesIncludeTax) Assert.Equal(price.FaceValue, items.Sum(i => i.FaceValue));
            else Assert.Equal(price.FaceValue + price.ServiceFee + price.FacilityFee + price.DeliveryFee + price.Tax, price.Total);

            // The cheapest tier's all-in "from" price (the event pages) is exactly one such ticket's order total.
            var single = await pricing.PriceAsync(request with { Items = [new PricingItem("one", tiers.Min())] }, CancellationToken.None);
            var from = await AllInFromAsync(pricing, fees, request, tiers.Min());
            Assert.Equal(single.Total, from);
        }
        Assert.True(inclusiveSeen > 50 && exclusiveSeen > 50);
    }

    /// <summary>The event page's computation with the same fee schedule (the page reads it from the event's settings).</summary>
    static async Task<long> AllInFromAsync(OrderPricing pricing, FeeSchedule fees, PricingRequest request, long face) =>
        (await pricing.PriceAsync(new PricingRequest(request.SellerId, request.Currency, request.EventLocation, fees, [new PricingItem("from", face)], request.Date), CancellationToken.None)).Total;

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Over_http_the_gateway_is_asked_for_exactly_the_total_shown_under_the_organizer_s_fees(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 20));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/sales-settings", new
        {
            servicePercentBasisPoints = 1250, serviceFixedMinor = 99, facilityFixedMinor = 175, deliveryFixedMinor = 250, refundPolicy = "none",
        })).StatusCode);
        var buyer = await app.NewBuyerAsync();

        foreach (var (hold, expectedAdmissions) in new (Func<Task<HttpResponseMessage>>, int)[]
        {
            (() => buyer.HoldStandingAsync(sale, 3), 3),
            (() => buyer.HoldSeatsAsync(sale, "B7", "B8"), 2),
        })
        {
            var order = await buyer.OrderFromHoldAsync(await (await hold()).HoldIdAsync());
            Assert.Equal(expectedAdmissions, order["admissions"]!.AsArray().Count);
            Assert.Equal(250, order["deliveryFeeMinor"]!.GetValue<long>());
            Assert.Equal(order.ListedSum(), order.Total());
            Assert.Equal("fulfilled", (await (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).ReadJsonAsync()).Status());
            Assert.Equal(order.Total(), (await app.PaymentOfAsync(order.Id())).Amount);
        }

        // The "from" price of the event page for the cheapest tier (standing, 20.00) is a one-place order's total.
        await using var scope = app.Services.CreateAsyncScope();
        var pricing = scope.ServiceProvider.GetRequiredService<OrderPricing>();
        var from = await pricing.AllInFromAsync(sale.EventId, Guid.Empty, "GBP", 2000, new TaxAddress("GB"), DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);
        var one = await buyer.OrderFromHoldAsync(await (await buyer.HoldStandingAsync(sale, 1)).HoldIdAsync());
        Assert.Equal(from, one.Total());
    }
}
