using System.Net;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Payments;
using Encore.Orders;
using Encore.Orders.Model;
using Encore.Payments;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Orders;

/// <summary>
/// A pay call that stopped half-way — its instance died, or PostgreSQL went down after the bank
/// answered — leaves the order awaiting payment with an attempt the buyer never heard the end of.
/// When the buyer pays again, that attempt is carried on under its own id: an authorization it got is
/// used (one charge, not two), and one that never reached the gateway is made now.
/// </summary>
public sealed class InterruptedPaymentTests
{
    /// <summary>The order as a pay call leaves it just before it dies: awaiting payment under a new attempt id.</summary>
    static async Task<Guid> StartAttemptAndStopAsync(EncoreAppFactory app, Guid orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var order = await db.Orders.SingleAsync(o => o.Id == orderId);
        var paymentId = order.StartPayment();
        db.Transitions.Add(order.MoveTo(OrderStatus.AwaitingPayment, "test", $"Payment {paymentId} started", DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
        return paymentId;
    }

    /// <summary>What the stopped pay call had asked of the gateway before it died.</summary>
    static async Task<PaymentStatus> AuthorizeAsync(EncoreAppFactory app, Guid orderId, Guid paymentId, string paymentMethod = OrdersClient.Visa)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var order = await scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Orders.Include(o => o.Admissions).SingleAsync(o => o.Id == orderId);
        return await scope.ServiceProvider.GetRequiredService<IPaymentService>().AuthorizeAsync(new AuthorizePayment(
            paymentId, order.Id, order.BuyerId, order.OrganizerId, order.EventId, order.Total, order.Currency, paymentMethod,
            $"/checkout/{order.Id}/return", Signals(order)),
            CancellationToken.None);
    }

    /// <summary>What the pay call would have sent: a long-standing account from a known address.</summary>
    static FraudSignals Signals(Order order) =>
        new("127.0.0.1", "GB", order.EventCountry, DateTimeOffset.UtcNow.AddYears(-1), DeviceId: null, DeviceRiskScore: 0, order.Admissions.Count);

    /// <summary>An on-sale, and a new buyer with an unpaid order for these seats.</summary>
    static async Task<(HttpClient Buyer, System.Text.Json.Nodes.JsonObject Order)> BuyerWithOrderAsync(EncoreAppFactory app, params string[] seats)
    {
        var sale = await (await app.SignedInAsync("organizer@encore.test")).PublishOnSaleAsync();
        var buyer = await app.NewBuyerAsync();
        return (buyer, await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, seats)).HoldIdAsync()));
    }

    static async Task<int> AttemptRowsAsync(EncoreAppFactory app, Guid orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().Attempts.CountAsync(a => a.OrderId == orderId);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Paying_again_after_the_bank_said_yes_uses_that_authorization(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var (buyer, order) = await BuyerWithOrderAsync(app, "A3", "A4");

        var stopped = await StartAttemptAndStopAsync(app, order.Id());
        Assert.Equal(PaymentState.Authorized, (await AuthorizeAsync(app, order.Id(), stopped)).State);

        using var again = await buyer.PayAsync(order.Id(), OrdersClient.Visa);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("fulfilled", (await again.ReadJsonAsync()).Status());
        var payment = await app.PaymentOfAsync(order.Id());
        Assert.Equal(stopped, payment.PaymentId);
        Assert.Equal(PaymentState.Captured, payment.State);
        Assert.Equal(1, await AttemptRowsAsync(app, order.Id()));
    }

    [Fact]
    public async Task Paying_again_after_an_attempt_that_never_reached_the_gateway_makes_it_now()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var (buyer, order) = await BuyerWithOrderAsync(app, "A5");
        var stopped = await StartAttemptAndStopAsync(app, order.Id());

        using var again = await buyer.PayAsync(order.Id(), OrdersClient.Visa);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("fulfilled", (await again.ReadJsonAsync()).Status());
        Assert.Equal(stopped, (await app.PaymentOfAsync(order.Id())).PaymentId);
        Assert.Equal(1, await AttemptRowsAsync(app, order.Id()));
    }

    [Fact]
    public async Task Paying_again_after_a_declined_attempt_that_was_never_applied_starts_a_new_one()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var (buyer, order) = await BuyerWithOrderAsync(app, "A6");
        var stopped = await StartAttemptAndStopAsync(app, order.Id());
        Assert.Equal(PaymentState.Failed, (await AuthorizeAsync(app, order.Id(), stopped, OrdersClient.Declined)).State);

        using var again = await buyer.PayAsync(order.Id(), OrdersClient.Visa);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("fulfilled", (await again.ReadJsonAsync()).Status());
        Assert.NotEqual(stopped, (await app.PaymentOfAsync(order.Id())).PaymentId);
        Assert.Equal(2, await AttemptRowsAsync(app, order.Id()));
    }
}
