using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Contracts.Payments;
using Encore.Orders;
using Encore.Orders.Model;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Orders;

/// <summary>A buyer's path from a hold to a paid order, on both topologies, with every transition recorded.</summary>
public sealed class CheckoutStoryTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_hold_becomes_a_paid_order_charged_exactly_what_was_shown(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var buyer = await app.NewBuyerAsync();

        var holdId = await (await buyer.HoldSeatsAsync(sale, "A1", "A2")).HoldIdAsync();
        var order = await buyer.OrderFromHoldAsync(holdId);
        Assert.Equal("pending", order.Status());
        Assert.Equal(2, order["admissions"]!.AsArray().Count);
        // GB: VAT is included in the listed prices; the default fees are on top of face value.
        Assert.True(order["pricesIncludeTax"]!.GetValue<bool>());
        Assert.Equal(9000, order["faceValueMinor"]!.GetValue<long>());
        Assert.True(order["serviceFeeMinor"]!.GetValue<long>() > 0);
        Assert.Equal(order.Total(), order.ListedSum());

        // Creating again for the same hold answers the same order.
        var again = await buyer.CreateOrderAsync(holdId);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(order.Id(), (await again.ReadJsonAsync()).Id());

        var paid = await buyer.PayAsync(order.Id(), OrdersClient.Visa);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var after = await paid.ReadJsonAsync();
        Assert.Equal("fulfilled", after.Status());
        var payment = await app.PaymentOfAsync(order.Id());
        Assert.Equal(order.Total(), payment.Amount);
        Assert.Equal(PaymentState.Captured, payment.State);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var transitions = await db.Transitions.Where(t => t.OrderId == order.Id()).ToListAsync();
        Assert.Equal(
            [OrderStatus.Pending, OrderStatus.AwaitingPayment, OrderStatus.Paid, OrderStatus.Fulfilled],
            transitions.OrderBy(t => t.At).ThenBy(t => t.To).Select(t => t.To).ToList());
        Assert.All(transitions, t => Assert.False(string.IsNullOrEmpty(t.Actor)));
        Assert.Equal(2, await db.SoldSeats.CountAsync(s => s.OrderId == order.Id()));

        // The journal gets the capture and the reconciliation check agrees with it.
        await app.WaitForOutboxAsync();
        var check = scope.ServiceProvider.GetServices<Encore.Contracts.MoneyFlow.IReconciliationCheck>().Single(c => c.Name == "orders.paid");
        Assert.Empty(await check.RunAsync(CancellationToken.None));
        var invoiced = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id());
        Assert.NotNull(invoiced.InvoiceNumber);

        // The inventory stopped offering the sold seats: its hold was released, yet nobody can hold them again.
        var other = await app.NewBuyerAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldSeatsAsync(sale, "A2", "A3")).StatusCode);
        var held = (await app.CreateClient().AvailabilityAsync(sale))["seats"]!["held"].Ids();
        Assert.Contains(sale.Seats["A1"], held);
        Assert.Contains(sale.Seats["A2"], held);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Places_just_paid_for_never_look_free_before_the_inventory_records_the_sale(StorageProvider provider)
    {
        // The relay sleeps on this clock, so the test decides when OrderPaid reaches the inventory.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.For(provider, seedDemo: true).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        async Task DeliverOutboxAsync()
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await app.WaitForOutboxAsync();
        }
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 3));
        await DeliverOutboxAsync();
        var buyer = await app.NewBuyerAsync();
        var seats = await (await buyer.HoldSeatsAsync(sale, "A1", "A2")).HoldIdAsync();
        var standing = await (await buyer.HoldStandingAsync(sale, 2)).HoldIdAsync();

        foreach (var holdId in new[] { seats, standing })
            Assert.Equal("fulfilled", (await (await buyer.PayAsync((await buyer.OrderFromHoldAsync(holdId)).Id(), OrdersClient.Visa)).ReadJsonAsync()).Status());

        // Paid, and the inventory has not handled OrderPaid yet: the holds still claim the places.
        var other = await app.NewBuyerAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldSeatsAsync(sale, "A2", "A3")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldStandingAsync(sale, 2)).StatusCode);

        // Once it has, they are sold there and the holds are gone; still nobody else gets the places.
        await DeliverOutboxAsync();
        foreach (var holdId in new[] { seats, standing })
            Assert.Equal(HttpStatusCode.NotFound, (await buyer.GetAsync($"/api/holds/{holdId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldSeatsAsync(sale, "A2", "A3")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldStandingAsync(sale, 2)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await other.HoldStandingAsync(sale, 1)).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_ticket_limit_counts_what_a_buyer_bought_as_well_as_what_they_hold(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var settings = await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/hold-settings", new { holdMinutes = 15, ticketLimit = 3 });
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        var buyer = await app.NewBuyerAsync();

        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A1", "A2")).HoldIdAsync());
        Assert.Equal(HttpStatusCode.OK, (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).StatusCode);
        await app.WaitForOutboxAsync();

        // The paid order's hold is gone, but its two tickets still count against the limit of three.
        var over = await buyer.HoldSeatsAsync(sale, "B1", "B2");
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        var problem = await over.ReadJsonAsync();
        Assert.Equal("Ticket limit reached", problem["title"]!.GetValue<string>());
        Assert.Equal(2, problem["held"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "B1")).StatusCode);
        // Another buyer is not affected by what this one bought.
        Assert.Equal(HttpStatusCode.Created, (await (await app.NewBuyerAsync()).HoldSeatsAsync(sale, "B2", "B3", "B4")).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_declined_card_then_a_3DS_card_whose_challenge_passes(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var buyer = await app.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldStandingAsync(sale, 3)).HoldIdAsync());

        var declined = await (await buyer.PayAsync(order.Id(), OrdersClient.Declined)).ReadJsonAsync();
        Assert.Equal("payment_failed", declined.Status());
        Assert.Equal("Your card was declined.", declined["failureMessage"]!.GetValue<string>());

        var challenged = await (await buyer.PayAsync(order.Id(), OrdersClient.ThreeDSecure)).ReadJsonAsync();
        Assert.Equal("requires_action", challenged.Status());
        Assert.StartsWith("/simulated-gateway/3ds/", challenged["nextActionUrl"]!.GetValue<string>());

        // The challenge passes; Payments announces it through its outbox, and the announcement arriving again changes nothing more.
        await app.CompleteChallengeAsync(order.Id(), pass: true);
        var attempt = await app.PaymentOfAsync(order.Id());
        await app.SyncPaymentAsync(attempt.PaymentId);
        await app.WaitForOutboxAsync();
        var authorized = new PaymentAuthorized(attempt.PaymentId, order.Id(), attempt.Amount, attempt.Currency, DateTimeOffset.UtcNow);
        for (var delivery = 0; delivery < 2; delivery++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<IIntegrationEventHandler<PaymentAuthorized>>();
            await handler.HandleAsync(authorized, new IntegrationEventContext(Guid.NewGuid(), DateTimeOffset.UtcNow), CancellationToken.None);
        }
        var done = await buyer.OrderAsync(order.Id());
        Assert.Equal("fulfilled", done.Status());
        Assert.Equal(PaymentState.Captured, (await app.PaymentOfAsync(order.Id())).State);

        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<OrdersDbContext>();
        Assert.Equal(3, (await db.SoldStanding.SingleAsync(s => s.PerformanceId == sale.PerformanceId)).Sold);
        // Ten places, three sold: seven remain for others once the inventory heard of the sale.
        await app.WaitForOutboxAsync();
        Assert.Equal(7, (await app.CreateClient().AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>());
        Assert.Equal(1, await db.Transitions.CountAsync(t => t.OrderId == order.Id() && t.To == OrderStatus.Paid));
        Assert.Equal(1, await db.Transitions.CountAsync(t => t.OrderId == order.Id() && t.To == OrderStatus.PaymentFailed));
    }
}
