using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Payments;

namespace Encore.Orders.Checkout;

/// <summary>
/// A payment that waited (3-D Secure, review) was decided. The buyer's return page may have applied
/// the same outcome already; <see cref="CheckoutService.ApplyAsync"/> changes nothing the second time.
/// </summary>
internal sealed class PaymentEventsConsumer(CheckoutService checkout, IPaymentService payments, OrdersDbContext db, TimeProvider clock)
    : IIntegrationEventHandler<PaymentAuthorized>, IIntegrationEventHandler<PaymentFailed>
{
    public const string Consumer = "orders.payment-events";

    public async Task HandleAsync(PaymentAuthorized e, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await FirstTimeAsync(context, ct)) return;
        // The status is read again rather than trusted from the event: it may have moved on since.
        if (await payments.GetAsync(e.PaymentId, ct) is { } status) await checkout.ApplyAsync(e.OrderId, status, "system:payment-events", ct);
    }

    public async Task HandleAsync(PaymentFailed e, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await FirstTimeAsync(context, ct)) return;
        var status = await payments.GetAsync(e.PaymentId, ct)
            ?? new PaymentStatus(e.PaymentId, e.OrderId, PaymentState.Failed, 0, "", null, e.FailureCode, e.FailureMessage, 0, "", null);
        await checkout.ApplyAsync(e.OrderId, status, "system:payment-events", ct);
    }

    async Task<bool> FirstTimeAsync(IntegrationEventContext context, CancellationToken ct)
    {
        if (!await db.TryRecordInboxAsync(context, Consumer, clock, ct)) return false;
        await db.SaveChangesAsync(ct);
        return true;
    }
}
