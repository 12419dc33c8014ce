using System.Net;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Contracts.Payments;
using Encore.Orders;
using Encore.Orders.Checkout;
using Encore.Orders.Model;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Orders;

/// <summary>
/// Confirms that meet. Two app instances on one PostgreSQL database and one Redis: a buyer started
/// paying (a 3-D Secure check) before their hold ran out; the seats were then held and ordered by
/// someone else. Both confirm at the same moment on different instances: the database's key on sold
/// seats lets exactly one through, and the other's authorization is voided. And one order whose
/// passed challenge is applied by the buyer's return and by the payment event at once: it is sold
/// once, and its payment captured, never voided.
/// </summary>
public sealed class ConfirmRaceTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite, true)]
    [InlineData(StorageProvider.Sqlite, false)]
    [InlineData(StorageProvider.Postgres, true)]
    [InlineData(StorageProvider.Postgres, false)]
    public async Task The_return_and_the_payment_event_confirm_one_order_together_it_is_sold_once_and_captured(StorageProvider provider, bool seated)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var buyer = await app.NewBuyerAsync();
        var hold = seated ? await buyer.HoldSeatsAsync(sale, "A3", "A4") : await buyer.HoldStandingAsync(sale, 2);
        var order = await buyer.OrderFromHoldAsync(await hold.HoldIdAsync());
        Assert.Equal("requires_action", (await (await buyer.PayAsync(order.Id(), OrdersClient.ThreeDSecure)).ReadJsonAsync()).Status());
        await app.CompleteChallengeAsync(order.Id(), pass: true);
        var challenge = await app.PaymentOfAsync(order.Id());
        await app.SyncPaymentAsync(challenge.PaymentId);
        var authorized = await app.PaymentOfAsync(order.Id());
        Assert.Equal(PaymentState.Authorized, authorized.State);

        // Four appliers at once, each in a scope of its own: two as the return page does, two as
        // deliveries of the payment event.
        using var start = new SemaphoreSlim(0);
        var appliers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            await using var scope = app.Services.CreateAsyncScope();
            if (i % 2 == 0)
                return await scope.ServiceProvider.GetRequiredService<CheckoutService>().ApplyAsync(order.Id(), authorized, "test:return", CancellationToken.None);
            var handler = scope.ServiceProvider.GetRequiredService<IIntegrationEventHandler<PaymentAuthorized>>();
            await handler.HandleAsync(new PaymentAuthorized(authorized.PaymentId, order.Id(), authorized.Amount, authorized.Currency, DateTimeOffset.UtcNow),
                new IntegrationEventContext(Guid.NewGuid(), DateTimeOffset.UtcNow), CancellationToken.None);
            return null;
        })).ToList();
        start.Release(appliers.Count);
        var outcomes = await Task.WhenAll(appliers);

        Assert.DoesNotContain(outcomes, o => o is PayOutcome.Refused);
        Assert.Equal("fulfilled", (await buyer.OrderAsync(order.Id())).Status());
        Assert.Equal(PaymentState.Captured, (await app.PaymentOfAsync(order.Id())).State);
        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<OrdersDbContext>();
        if (seated) Assert.Equal(2, await db.SoldSeats.CountAsync(s => s.PerformanceId == sale.PerformanceId && s.OrderId == order.Id()));
        else Assert.Equal(2, (await db.SoldStanding.SingleAsync(s => s.PerformanceId == sale.PerformanceId)).Sold);
        Assert.Equal(1, await db.Transitions.CountAsync(t => t.OrderId == order.Id() && t.To == OrderStatus.Paid));
    }

    [Fact]
    public async Task Two_buyers_whose_holds_overlap_after_expiry_one_is_paid_the_other_voided()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = EncoreAppFactory.Postgres(seedDemo: true)
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var organizer = await first.SignedInAsync("organizer@encore.test");
        await using var second = first.AnotherInstance();
        second.CreateClient().Dispose();
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));

        var early = await first.NewBuyerAsync();
        var late = await first.NewBuyerAsync(signInOn: second);
        var earlyOrder = await early.OrderFromHoldAsync(await (await early.HoldSeatsAsync(sale, "A3", "A4")).HoldIdAsync());
        Assert.Equal("requires_action", (await (await early.PayAsync(earlyOrder.Id(), OrdersClient.ThreeDSecure)).ReadJsonAsync()).Status());

        // The early hold runs out while the bank's check is open; the late buyer holds the same seats.
        clock.Advance(TimeSpan.FromMinutes(11));
        var lateOrder = await late.OrderFromHoldAsync(await (await late.HoldSeatsAsync(sale, "A3", "A4")).HoldIdAsync());

        await first.CompleteChallengeAsync(earlyOrder.Id(), pass: true);
        var challenge = await first.PaymentOfAsync(earlyOrder.Id());
        using var start = new SemaphoreSlim(0);
        var earlyConfirms = Task.Run(async () =>
        {
            await start.WaitAsync();
            // The buyer's return reaches Payments on the first instance, and Orders applies the outcome there at once.
            await first.SyncPaymentAsync(challenge.PaymentId);
            await using var scope = first.Services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<IIntegrationEventHandler<PaymentAuthorized>>();
            await handler.HandleAsync(new PaymentAuthorized(challenge.PaymentId, earlyOrder.Id(), challenge.Amount, challenge.Currency, clock.GetUtcNow()),
                new IntegrationEventContext(Guid.NewGuid(), clock.GetUtcNow()), CancellationToken.None);
        });
        var latePays = Task.Run(async () =>
        {
            await start.WaitAsync();
            return await late.PayAsync(lateOrder.Id(), OrdersClient.Visa);
        });
        start.Release(2);
        await earlyConfirms;
        var lateAnswer = await latePays;

        var earlyAfter = await early.OrderAsync(earlyOrder.Id());
        var lateAfter = await late.OrderAsync(lateOrder.Id());
        var statuses = new[] { earlyAfter.Status(), lateAfter.Status() };
        Assert.Single(statuses, s => s == "fulfilled");
        Assert.Single(statuses, s => s == "cancelled");
        var loser = earlyAfter.Status() == "cancelled" ? earlyOrder : lateOrder;
        var winner = loser == earlyOrder ? lateOrder : earlyOrder;
        Assert.Equal(PaymentState.Voided, (await first.PaymentOfAsync(loser.Id())).State);
        Assert.Equal(PaymentState.Captured, (await second.PaymentOfAsync(winner.Id())).State);
        if (loser == lateOrder)
        {
            Assert.Equal(HttpStatusCode.Conflict, lateAnswer.StatusCode);
            Assert.Equal("Seats no longer available", await lateAnswer.ProblemTitleAsync());
        }

        await using var check = second.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var sold = await db.SoldSeats.Where(s => s.PerformanceId == sale.PerformanceId).ToListAsync();
        Assert.Equal(2, sold.Count);
        Assert.All(sold, s => Assert.Equal(winner.Id(), s.OrderId));
        Assert.Equal(1, await db.Orders.CountAsync(o => o.PerformanceId == sale.PerformanceId && o.PaidAt != null));
    }
}
