using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Orders;
using Encore.Inventory.Holds;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.MoneyFlow;
using Encore.Orders;
using Encore.Orders.Model;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Encore.Tests.Tickets;

namespace Encore.Tests.Orders;

/// <summary>Refunds under the organizer's policy, partial by admission, and the cancelled-event floor.</summary>
public sealed class RefundTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_partial_refund_follows_the_policy_and_puts_the_seat_back_on_sale(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/hold-settings", new { holdMinutes = 15, ticketLimit = 2 })).StatusCode);
        var buyer = await app.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A6", "A7")).HoldIdAsync());
        Assert.Equal("fulfilled", (await (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).ReadJsonAsync()).Status());
        var admissions = order["admissions"]!.AsArray();
        var first = admissions[0]!["id"]!.GetValue<Guid>();

        // No policy set: no refunds on request.
        var refused = await buyer.PostAsJsonAsync($"/api/orders/{order.Id()}/refunds", new { admissionIds = new[] { first } });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Refund not available", await refused.ProblemTitleAsync());

        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/sales-settings", new { refundPolicy = "full" })).StatusCode);
        var refund = await buyer.PostAsJsonAsync($"/api/orders/{order.Id()}/refunds", new { admissionIds = new[] { first } });
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);
        var refunded = (await refund.ReadJsonAsync())["amountMinor"]!.GetValue<long>();
        // Full policy: the admission's face value and every fee of it, tax included.
        Assert.Equal(admissions[0]!["totalMinor"]!.GetValue<long>(), refunded);
        var after = await buyer.OrderAsync(order.Id());
        Assert.Equal("partially_refunded", after.Status());
        Assert.Equal(refunded, after["refundedMinor"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Conflict, (await buyer.PostAsJsonAsync($"/api/orders/{order.Id()}/refunds", new { admissionIds = new[] { first } })).StatusCode);

        // The journal has the refund, reconciliation agrees, and the refunded seat can be bought again.
        await app.WaitForOutboxAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var check = scope.ServiceProvider.GetServices<IReconciliationCheck>().Single(c => c.Name == "orders.paid");
        Assert.Empty(await check.RunAsync(CancellationToken.None));
        var refundedSeat = admissions[0]!["seatId"]!.GetValue<Guid>();
        var other = await app.NewBuyerAsync();
        var seatLabel = sale.Seats.Single(s => s.Value == refundedSeat).Key;
        var keptLabel = sale.Seats.Single(s => s.Value == admissions[1]!["seatId"]!.GetValue<Guid>()).Key;
        Assert.Equal(HttpStatusCode.Created, (await other.HoldSeatsAsync(sale, seatLabel)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldSeatsAsync(sale, keptLabel)).StatusCode);
        // The buyer's limit (2) counts the one place they still have: the refund freed the other.
        var over = await buyer.HoldSeatsAsync(sale, "B1", "B2");
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Equal(1, (await over.ReadJsonAsync())["held"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "B1")).StatusCode);
        var mailbox = app.Services.GetRequiredService<DevelopmentMailbox>();
        Assert.Contains(mailbox.Newest(), m => m.Message.Subject.StartsWith("Refund of", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_refund_made_while_another_instance_still_delivers_the_payment_voids_the_tickets_issued_after_it(StorageProvider provider)
    {
        // No relay of its own: the test delivers, and plays the other instance.
        await using var app = EncoreAppFactory.For(provider, seedDemo: true).WithServices(services =>
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(OutboxRelay))));
        var processor = app.Service<OutboxProcessor>();
        using var setUp = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            while (!setUp.IsCancellationRequested)
            {
                await processor.ProcessOnceAsync(CancellationToken.None);
                await Task.Delay(50);
            }
        });
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/sales-settings", new { refundPolicy = "full" })).StatusCode);
        var buyer = await app.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A6", "A7")).HoldIdAsync());
        await setUp.CancelAsync();
        await pump;

        Assert.Equal("fulfilled", (await (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).ReadJsonAsync()).Status());
        // Another instance has claimed OrderPaid and is still handing it to its consumers.
        async Task<int> LeaseOrderPaidAsync(DateTimeOffset? until)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Set<OutboxMessage>()
                .Where(m => m.Type == typeof(OrderPaid).FullName).ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, until));
        }
        Assert.Equal(1, await LeaseOrderPaidAsync(app.Service<TimeProvider>().GetUtcNow().AddMinutes(5)));
        var refunded = order["admissions"]!.AsArray()[0]!["id"]!.GetValue<Guid>();
        var kept = order["admissions"]!.AsArray()[1]!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.Created, (await buyer.PostAsJsonAsync($"/api/orders/{order.Id()}/refunds", new { admissionIds = new[] { refunded } })).StatusCode);

        // This instance's pass leaves the refund for later: it must not act before the payment has.
        await processor.ProcessOnceAsync(CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var waiting = await scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Set<OutboxMessage>().AsNoTracking()
                .SingleAsync(m => m.Type == typeof(AdmissionsRefunded).FullName);
            Assert.Equal((OutboxStatus.Pending, 0), (waiting.Status, waiting.Attempts));
        }

        // The other instance died mid-delivery; once its lease is gone the payment goes first, then the refund.
        await LeaseOrderPaidAsync(null);
        await app.DeliverAsync();
        var tickets = await app.WithTicketsAsync(db => db.Tickets.AsNoTracking().Where(t => t.OrderId == order.Id()).ToListAsync());
        Assert.Equal(Encore.Tickets.Model.TicketStatus.Voided, tickets.Single(t => t.AdmissionId == refunded).Status);
        Assert.Equal(Encore.Tickets.Model.TicketStatus.Valid, tickets.Single(t => t.AdmissionId == kept).Status);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var sold = await scope.ServiceProvider.GetRequiredService<Encore.Inventory.InventoryDbContext>().SoldPlaces.AsNoTracking()
                .Where(p => p.OrderId == order.Id()).Select(p => p.AdmissionId).ToListAsync();
            Assert.Equal([kept], sold);
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_refund_redelivered_after_the_store_missed_it_puts_the_seat_back_on_sale(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/sales-settings", new { refundPolicy = "full" })).StatusCode);
        var buyer = await app.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A6", "A7")).HoldIdAsync());
        Assert.Equal("fulfilled", (await (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).ReadJsonAsync()).Status());
        var first = order["admissions"]!.AsArray()[0]!;
        Assert.Equal(HttpStatusCode.Created, (await buyer.PostAsJsonAsync($"/api/orders/{order.Id()}/refunds", new { admissionIds = new[] { first["id"]!.GetValue<Guid>() } })).StatusCode);
        await app.WaitForOutboxAsync();

        // The inventory deleted its sold row and recorded the message, then crashed before the hold
        // store heard: the store still has the seat as sold.
        var seat = first["seatId"]!.GetValue<Guid>();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IHoldStore>().SetSoldAsync(sale.PerformanceId,
                new SoldState([seat], [], new Dictionary<string, int>(), new Dictionary<Guid, int>()), CancellationToken.None);
        var other = await app.NewBuyerAsync();
        var label = sale.Seats.Single(s => s.Value == seat).Key;
        Assert.Equal(HttpStatusCode.Conflict, (await other.HoldSeatsAsync(sale, label)).StatusCode);

        // The relay delivers the message again: the consumer's inbox has it, yet the store is told.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var orders = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            var message = await orders.Set<OutboxMessage>().SingleAsync(m => m.Type.Contains(nameof(AdmissionsRefunded)));
            var refunded = JsonSerializer.Deserialize<AdmissionsRefunded>(message.Payload, JsonSerializerOptions.Web)!;
            var consumer = scope.ServiceProvider.GetRequiredService<Encore.Inventory.Sales.OrdersConsumer>();
            await consumer.HandleAsync(refunded, new IntegrationEventContext(message.Id, message.OccurredAt), CancellationToken.None);
        }
        Assert.Equal(HttpStatusCode.Created, (await other.HoldSeatsAsync(sale, label)).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_cancelled_event_refunds_everything_including_fees_whatever_the_policy(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/sales-settings", new
        {
            servicePercentBasisPoints = 1000, serviceFixedMinor = 50, facilityFixedMinor = 100, deliveryFixedMinor = 300, refundPolicy = "none",
        })).StatusCode);
        var buyer = await app.NewBuyerAsync();
        var paid = await buyer.OrderFromHoldAsync(await (await buyer.HoldStandingAsync(sale, 2)).HoldIdAsync());
        Assert.Equal("fulfilled", (await (await buyer.PayAsync(paid.Id(), OrdersClient.Visa)).ReadJsonAsync()).Status());
        var second = await app.NewBuyerAsync();
        var unpaid = await second.OrderFromHoldAsync(await (await second.HoldSeatsAsync(sale, "A9")).HoldIdAsync());

        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/organizer/events/{sale.EventId}/cancel", new { reason = "The band is ill" })).StatusCode);
        await app.WaitForOutboxAsync();

        var after = await buyer.OrderAsync(paid.Id());
        Assert.Equal("refunded", after.Status());
        Assert.Equal(paid.Total(), after["refundedMinor"]!.GetValue<long>());
        Assert.Equal("cancelled", (await second.OrderAsync(unpaid.Id())).Status());

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var refund = await db.Refunds.SingleAsync(r => r.OrderId == paid.Id());
        Assert.True(refund.EventCancelled);
        Assert.Equal(RefundState.Succeeded, refund.State);
        Assert.Equal(paid["deliveryFeeMinor"]!.GetValue<long>(), refund.DeliveryFee);
        Assert.Equal(paid["serviceFeeMinor"]!.GetValue<long>(), refund.ServiceFee);
        // Redelivering the cancellation refunds nothing twice.
        await using (var redeliver = app.Services.CreateAsyncScope())
            await redeliver.ServiceProvider.GetServices<Encore.Contracts.IIntegrationEventHandler<Encore.Contracts.Catalog.EventCancelled>>()
                .Single(h => h.GetType().Namespace == "Encore.Orders.Refunds")
                .HandleAsync(new Encore.Contracts.Catalog.EventCancelled(sale.EventId, Guid.Empty, "again"), new Encore.Contracts.IntegrationEventContext(Guid.NewGuid(), DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(1, await db.Refunds.CountAsync(r => r.OrderId == paid.Id()));
        var check = scope.ServiceProvider.GetServices<IReconciliationCheck>().Single(c => c.Name == "orders.paid");
        Assert.Empty(await check.RunAsync(CancellationToken.None));
        var mailbox = app.Services.GetRequiredService<DevelopmentMailbox>();
        Assert.Contains(mailbox.Newest(), m => m.Message.Subject.Contains("is cancelled", StringComparison.Ordinal));
    }
}
