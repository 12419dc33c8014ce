using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.MoneyFlow;
using Encore.Ledger;
using Encore.Ledger.Posting;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Ledger;

/// <summary>Stands in for Payments and Orders until they exist: money events through the outbox, raw SQL for tampering.</summary>
internal static class LedgerHarness
{
    public static readonly Guid Organizer = Guid.Parse("0193a0b0-0000-7000-8000-000000000001");

    public static PaymentCaptured Payment(Guid? paymentId = null, string currency = "EUR", long gatewayFee = 90) => new(
        paymentId ?? Guid.NewGuid(), Guid.NewGuid(), Organizer, currency,
        new MoneyBreakdown(FaceValue: 9000, ServiceFee: 1200, FacilityFee: 300, DeliveryFee: 250, Taxes: [new("DE", 951)]),
        gatewayFee, new DateTimeOffset(2026, 3, 1, 19, 0, 0, TimeSpan.Zero));

    /// <summary>Writes the event to an outbox (the ledger's own stands in for the producer's) and waits until the relay delivered it.</summary>
    public static async Task<Guid> PublishAsync(this EncoreAppFactory app, IIntegrationEvent e)
    {
        Guid id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            db.AddToOutbox(e, TimeProvider.System);
            id = db.ChangeTracker.Entries<OutboxMessage>().Single().Entity.Id;
            await db.SaveChangesAsync();
        }
        await app.WaitForOutboxAsync();
        return id;
    }

    public static async Task<T> WithLedgerAsync<T>(this EncoreAppFactory app, Func<LedgerDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LedgerDbContext>());
    }

    public static Task<int> TransactionCountAsync(this EncoreAppFactory app) => app.WithLedgerAsync(db => db.Transactions.CountAsync());

    public static string Table(this EncoreAppFactory app, string name) =>
        app.Provider == Encore.BuildingBlocks.Persistence.StorageProvider.Postgres ? $"ledger.{name}" : $"ledger_{name}";

    /// <summary>Redelivers a message straight to the consumer, as the relay would after a crash between handling and marking it processed.</summary>
    public static async Task RedeliverAsync(this EncoreAppFactory app, PaymentCaptured e, Guid messageId, TimeProvider clock)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var consumer = new MoneyEventsConsumer(scope.ServiceProvider.GetRequiredService<LedgerDbContext>(), clock);
        await consumer.HandleAsync(e, new IntegrationEventContext(messageId, e.OccurredAt), CancellationToken.None);
    }
}
