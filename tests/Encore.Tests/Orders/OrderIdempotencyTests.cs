using System.Net;
using Encore.BuildingBlocks.Persistence;
using Encore.Orders;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Orders;

/// <summary>Stripe's idempotency semantics on the create-or-charge endpoints of Orders.</summary>
public sealed class OrderIdempotencyTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Same_key_replays_the_first_answer_errors_included_and_another_body_is_refused(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var buyer = await app.NewBuyerAsync();
        var holdId = await (await buyer.HoldSeatsAsync(sale, "B1")).HoldIdAsync();

        var first = await buyer.CreateOrderAsync(holdId, key: "create-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync();
        var replay = await buyer.CreateOrderAsync(holdId, key: "create-1");
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);

        var other = await buyer.CreateOrderAsync(Guid.NewGuid(), key: "create-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);

        // An error is replayed too: the first answer stands even once the request would now succeed.
        var orderId = (await first.ReadJsonAsync()).Id();
        var invalid = await buyer.PayAsync(orderId, "", key: "pay-1");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var invalidAgain = await buyer.PayAsync(orderId, "", key: "pay-1");
        Assert.Equal(HttpStatusCode.BadRequest, invalidAgain.StatusCode);
        Assert.Equal("true", invalidAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await invalid.Content.ReadAsStringAsync(), await invalidAgain.Content.ReadAsStringAsync());

        var declined = await buyer.PayAsync(orderId, OrdersClient.Declined, key: "pay-2");
        Assert.Equal("payment_failed", (await declined.ReadJsonAsync()).Status());
        var authorizations = await app.PaymentAttemptsAsync(orderId);
        var declinedAgain = await buyer.PayAsync(orderId, OrdersClient.Declined, key: "pay-2");
        Assert.Equal("payment_failed", (await declinedAgain.ReadJsonAsync()).Status());
        Assert.Equal(authorizations, await app.PaymentAttemptsAsync(orderId));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await buyer.PayAsync(orderId, OrdersClient.Visa, key: "pay-2")).StatusCode);

        // A new key is a new request: this one pays.
        Assert.Equal("fulfilled", (await (await buyer.PayAsync(orderId, OrdersClient.Visa, key: "pay-3")).ReadJsonAsync()).Status());

        // Kept at least 24 hours; pruned after two days.
        await using var scope = app.Services.CreateAsyncScope();
        var pruning = scope.ServiceProvider.GetRequiredService<Encore.BuildingBlocks.Http.IdempotencyPruning<OrdersDbContext>>();
        Assert.Equal(0, await pruning.PruneAsync(CancellationToken.None));
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        await db.Set<Encore.BuildingBlocks.Http.IdempotencyRecord>().ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, DateTimeOffset.UtcNow.AddHours(-49)));
        Assert.Equal(4, await pruning.PruneAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Concurrent_duplicates_have_one_effect(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var buyer = await app.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A5")).HoldIdAsync());

        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, 12).Select(async _ =>
        {
            await start.WaitAsync();
            return await buyer.PayAsync(order.Id(), OrdersClient.Visa, key: "pay-once");
        }).ToList();
        start.Release(racers.Count);
        var answers = await Task.WhenAll(racers);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(1, await app.PaymentAttemptsAsync(order.Id()));
        Assert.Equal(answers.Length - 1, answers.Count(a => a.Headers.Contains("Idempotent-Replayed")));
    }
}
