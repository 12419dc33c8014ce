using System.Text.Json;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.MoneyFlow;
using Encore.Contracts.Orders;
using Encore.Contracts.Payments;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Refunds;

internal abstract record RefundOutcome
{
    public sealed record Done(Refund Refund) : RefundOutcome;
    public sealed record Refused(int Status, string Title, string Detail) : RefundOutcome;
}

/// <summary>
/// Refunds admissions of a paid order through the gateway, then records it: the admissions marked,
/// the order's status, its places back on sale (unless the event is cancelled), and RefundIssued
/// (ledger) and AdmissionsRefunded (tickets, inventory, the buyer's notice) in the outbox, in one
/// SaveChanges. A refund that includes fees also returns the delivery fee once every admission is refunded.
/// </summary>
internal sealed class RefundService(OrdersDbContext db, IPaymentService payments, TimeProvider clock)
{
    public async Task<RefundOutcome> RefundAsync(
        Guid orderId, IReadOnlyCollection<Guid>? admissionIds, bool includeFees, bool eventCancelled, string reason, string actor, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var order = await db.Orders.Include(o => o.Admissions).SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return new RefundOutcome.Refused(404, "Not found", $"No order {orderId}.");
        if (!order.IsPaid || order.PaymentId is not { } paymentId || order.CapturedAt is null && !eventCancelled && order.PaidAt is null)
            return new RefundOutcome.Refused(409, "Not refundable", "Only paid orders can be refunded.");
        var open = order.Admissions.Where(a => a.RefundId is null).ToList();
        var chosen = admissionIds is null or { Count: 0 } ? open : open.Where(a => admissionIds.Contains(a.Id)).ToList();
        if (admissionIds is { Count: > 0 } && chosen.Count != admissionIds.Distinct().Count())
            return new RefundOutcome.Refused(409, "Not refundable", "Some of those admissions are not in this order or were refunded already.");
        if (chosen.Count == 0) return new RefundOutcome.Refused(409, "Nothing to refund", "Every admission of this order was refunded already.");

        // A retry (a redelivered cancellation, a repeated request) finds its pending refund and finishes it.
        var key = string.Join(',', chosen.Select(a => a.Id).Order());
        var refund = await db.Refunds.SingleOrDefaultAsync(r => r.OrderId == orderId && r.AdmissionIds == key && r.State == RefundState.Pending, ct);
        if (refund is null)
        {
            var inclusive = order.PricesIncludeTax;
            long Gross(long listed, long tax) => inclusive ? listed : listed + tax;
            var lastOnes = chosen.Count == open.Count;
            var withDelivery = includeFees && lastOnes;
            var face = chosen.Sum(a => a.FaceValue);
            var facility = chosen.Sum(a => a.FacilityFee);
            var service = includeFees ? chosen.Sum(a => a.ServiceFee) : 0;
            var taxes = chosen.Select(a => (a.TaxJurisdiction, Tax: a.FaceTax + a.FacilityFeeTax + (includeFees ? a.ServiceFeeTax : 0))).ToList();
            if (withDelivery) taxes.Add((order.DeliveryTaxJurisdiction, order.DeliveryFeeTax));
            var amount = chosen.Sum(a => Gross(a.FaceValue, a.FaceTax) + Gross(a.FacilityFee, a.FacilityFeeTax) + (includeFees ? Gross(a.ServiceFee, a.ServiceFeeTax) : 0))
                + (withDelivery ? Gross(order.DeliveryFee, order.DeliveryFeeTax) : 0);
            refund = new Refund
            {
                Id = BuildingBlocks.Ids.New(),
                OrderId = orderId,
                PaymentId = paymentId,
                AdmissionIds = key,
                FaceValue = face,
                FacilityFee = facility,
                ServiceFee = service,
                DeliveryFee = withDelivery ? order.DeliveryFee : 0,
                Tax = taxes.Sum(t => t.Tax),
                TaxByJurisdiction = JsonSerializer.Serialize(taxes.Where(t => t.Tax > 0).GroupBy(t => t.Item1).ToDictionary(g => g.Key, g => g.Sum(t => t.Tax))),
                Amount = amount,
                EventCancelled = eventCancelled,
                Reason = reason.Length > 300 ? reason[..300] : reason,
                RequestedBy = actor,
                State = RefundState.Pending,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Refunds.Add(refund);
            await db.SaveChangesAsync(ct);
        }

        var result = await payments.RefundAsync(new RefundPayment(refund.Id, paymentId, refund.Amount, refund.Reason), ct);
        var now = clock.GetUtcNow();
        if (!result.Succeeded)
        {
            refund.State = RefundState.Failed;
            refund.FailureMessage = result.FailureMessage;
            refund.CompletedAt = now;
            await db.SaveChangesAsync(ct);
            return new RefundOutcome.Refused(502, "Refund failed", result.FailureMessage ?? "The payment provider refused the refund.");
        }

        for (var pass = 0; ; pass++)
        {
            try
            {
                await RecordAsync(order, refund, chosen, eventCancelled, actor, now, ct);
                return new RefundOutcome.Done(refund);
            }
            catch (DbUpdateConcurrencyException) when (pass < 5)
            {
                // The order changed while the gateway refunded (a capture recorded, say): apply the refund to its current state.
                db.ChangeTracker.Clear();
                order = await db.Orders.Include(o => o.Admissions).SingleAsync(o => o.Id == orderId, ct);
                refund = await db.Refunds.SingleAsync(r => r.Id == refund.Id, ct);
                if (refund.State == RefundState.Succeeded) return new RefundOutcome.Done(refund);
                var ids = refund.Admissions;
                chosen = order.Admissions.Where(a => ids.Contains(a.Id)).ToList();
            }
        }
    }

    async Task RecordAsync(Order order, Refund refund, List<OrderAdmission> chosen, bool eventCancelled, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        refund.State = RefundState.Succeeded;
        refund.CompletedAt = now;
        foreach (var admission in chosen) admission.RefundId = refund.Id;
        order.AddRefunded(refund.Amount);
        var all = order.Admissions.All(a => a.RefundId is not null);
        db.Transitions.Add(order.MoveTo(all ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded, actor,
            $"Refund {refund.Id}: {chosen.Count} admission(s), {refund.Amount} {order.Currency}; {refund.Reason}", now));
        if (!eventCancelled)
        {
            // The places go back on sale: the seat keys are freed and the standing count goes down.
            var seats = chosen.Where(a => a.SeatId is not null).Select(a => a.SeatId!.Value).ToList();
            await db.SoldSeats.Where(s => s.PerformanceId == order.PerformanceId && seats.Contains(s.SeatId) && s.OrderId == order.Id).ExecuteDeleteAsync(ct);
            foreach (var area in chosen.Where(a => a.SeatId is null).GroupBy(a => a.SectionCode))
            {
                var n = area.Count();
                await db.SoldStanding.Where(s => s.PerformanceId == order.PerformanceId && s.SectionCode == area.Key && s.Sold >= n)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Sold, x => x.Sold - n), ct);
            }
        }
        var taxPortions = JsonSerializer.Deserialize<Dictionary<string, long>>(refund.TaxByJurisdiction)!
            .OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new TaxPortion(t.Key, t.Value)).ToList();
        long Net(long listed, long tax) => order.PricesIncludeTax ? listed - tax : listed;
        var money = new MoneyBreakdown(
            Net(refund.FaceValue, chosen.Sum(a => a.FaceTax)),
            Net(refund.ServiceFee, refund.ServiceFee == 0 ? 0 : chosen.Sum(a => a.ServiceFeeTax)),
            Net(refund.FacilityFee, chosen.Sum(a => a.FacilityFeeTax)),
            Net(refund.DeliveryFee, refund.DeliveryFee == 0 ? 0 : order.DeliveryFeeTax),
            taxPortions);
        db.AddToOutbox(new RefundIssued(refund.Id, order.Id, order.OrganizerId, order.Currency, money, now), clock);
        db.AddToOutbox(new AdmissionsRefunded(order.Id, refund.Id, order.EventId, order.PerformanceId, chosen.Select(a => a.Id).ToList(), eventCancelled, now)
        {
            BuyerId = order.BuyerId,
            Places = chosen.Select(a => new RefundedPlace(a.Id, a.SeatId, a.SectionCode)).ToList(),
        }, clock);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
