using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Refunds;

/// <summary>
/// The regulatory floor: a cancelled event refunds every paid admission in full, fees included,
/// whatever the refund policy says, and unpaid orders of it are cancelled. A redelivery finds the
/// refunds done (or pending, and finishes them).
/// </summary>
internal sealed class EventCancelledConsumer(OrdersDbContext db, RefundService refunds, Checkout.CheckoutService checkout) : IIntegrationEventHandler<EventCancelled>
{
    public async Task HandleAsync(EventCancelled e, IntegrationEventContext context, CancellationToken ct)
    {
        var orders = await db.Orders.AsNoTracking().Where(o => o.EventId == e.EventId)
            .Select(o => new { o.Id, o.Status }).ToListAsync(ct);
        var failures = 0;
        foreach (var order in orders)
        {
            if (order.Status is OrderStatus.Paid or OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded)
            {
                var outcome = await refunds.RefundAsync(order.Id, null, includeFees: true, eventCancelled: true,
                    "Event cancelled: " + e.Reason, "system:event-cancelled", ct);
                if (outcome is RefundOutcome.Refused { Status: >= 500 }) failures++;
            }
            else if (order.Status is OrderStatus.Pending or OrderStatus.AwaitingPayment or OrderStatus.RequiresAction or OrderStatus.PaymentFailed)
                await checkout.ExpireAsync(order.Id, "Event cancelled", ct, OrderStatus.Cancelled, "system:event-cancelled");
        }
        // A refund the gateway refused is tried again with the message's next delivery.
        if (failures > 0) throw new InvalidOperationException($"{failures} refund(s) of cancelled event {e.EventId} failed; retrying.");
    }
}
