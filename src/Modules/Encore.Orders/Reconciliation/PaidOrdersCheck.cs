using Encore.Contracts.MoneyFlow;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Reconciliation;

/// <summary>
/// <c>orders.paid</c>: every paid order's payment is in the journal as a capture of the order's total
/// (before the gateway's fee) and every succeeded refund as a refund of its amount. Journal entries
/// Orders does not know are Payments' check to find (it compares the gateway with the journal).
/// </summary>
internal sealed class PaidOrdersCheck(OrdersDbContext db, ILedgerReader ledger, TimeProvider clock) : IReconciliationCheck
{
    public string Name => "orders.paid";

    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var differences = new List<string>();
        var recorded = await ledger.RecordedAsync(DateTimeOffset.UnixEpoch, clock.GetUtcNow().AddDays(1), cancellationToken);
        var captures = recorded.Where(r => r.Kind == nameof(PaymentCaptured)).ToDictionary(r => r.SourceId);
        var refunds = recorded.Where(r => r.Kind == nameof(RefundIssued)).ToDictionary(r => r.SourceId);

        var paid = await db.Orders.AsNoTracking().Where(o => o.PaidAt != null && o.PaymentId != null)
            .Select(o => new { o.Id, o.PaymentId, o.Total, o.Currency }).ToListAsync(cancellationToken);
        foreach (var order in paid)
        {
            if (!captures.Remove(order.PaymentId!.Value, out var capture))
                differences.Add($"order {order.Id}: paid with payment {order.PaymentId} but the journal has no capture of it");
            else if (capture.OrderId != order.Id || capture.Currency != order.Currency || capture.GatewayAmount > order.Total || capture.GatewayAmount <= 0)
                differences.Add($"order {order.Id}: total {order.Total} {order.Currency}, journal captured {capture.GatewayAmount} {capture.Currency} (after the gateway's fee) for order {capture.OrderId}");
        }

        var succeeded = await db.Refunds.AsNoTracking().Where(r => r.State == RefundState.Succeeded)
            .Select(r => new { r.Id, r.OrderId, r.Amount }).ToListAsync(cancellationToken);
        foreach (var refund in succeeded)
        {
            if (!refunds.Remove(refund.Id, out var posted))
                differences.Add($"refund {refund.Id} of order {refund.OrderId}: succeeded but not in the journal");
            else if (posted.GatewayAmount != -refund.Amount)
                differences.Add($"refund {refund.Id} of order {refund.OrderId}: {refund.Amount} refunded, journal moved {posted.GatewayAmount}");
        }
        return differences;
    }
}
