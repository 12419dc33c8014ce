using Encore.Contracts.MoneyFlow;
using Encore.Payments.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Payments.Reconciliation;

/// <summary>
/// <c>payments.gateway</c>: every capture, refund and dispute Payments recorded from the gateway is in
/// the journal once with the amount that moved through the gateway, and the journal holds no money
/// event for a payment the gateway never captured or a refund it never made.
/// </summary>
internal sealed class GatewayCheck(PaymentsDbContext db, ILedgerReader ledger, TimeProvider clock) : IReconciliationCheck
{
    public string Name => "payments.gateway";

    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var differences = new List<string>();
        var recorded = await ledger.RecordedAsync(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), clock.GetUtcNow().AddDays(1), ct);
        var journal = recorded.ToLookup(r => (r.Kind, r.SourceId));

        var captured = await db.Attempts.AsNoTracking().Where(a => a.State == AttemptState.Captured || a.CapturedAt != null)
            .Select(a => new { a.Id, a.Amount, a.GatewayFee, a.Currency }).ToListAsync(ct);
        foreach (var a in captured)
        {
            var posted = journal[(nameof(PaymentCaptured), a.Id)].ToList();
            if (posted.Count == 0) { differences.Add($"payment {a.Id} was captured ({a.Amount} {a.Currency}) but the journal has no PaymentCaptured for it"); continue; }
            if (posted.Count > 1) differences.Add($"payment {a.Id} is in the journal {posted.Count} times");
            var p = posted[0];
            // The gateway clearing account holds what the gateway paid out: the capture less its fee. Orders posts the capture
            // when it commits, before the fee is known, so the full amount (a fee of zero) also agrees with the gateway.
            if (p.Currency != a.Currency || (p.GatewayAmount != a.Amount - a.GatewayFee && p.GatewayAmount != a.Amount))
                differences.Add($"payment {a.Id}: the gateway captured {a.Amount} {a.Currency} (fee {a.GatewayFee}), the journal's gateway account moved {p.GatewayAmount} {p.Currency}");
        }
        var capturedIds = captured.Select(a => a.Id).ToHashSet();
        foreach (var p in recorded.Where(r => r.Kind == nameof(PaymentCaptured) && !capturedIds.Contains(r.SourceId)))
            differences.Add($"the journal has a capture of payment {p.SourceId} ({p.GatewayAmount} {p.Currency}) that the gateway never captured");

        var refunds = await db.Refunds.AsNoTracking().Where(r => r.Outcome == RefundOutcome.Succeeded)
            .Select(r => new { r.Id, r.Amount, r.Currency }).ToListAsync(ct);
        foreach (var r in refunds)
        {
            var posted = journal[(nameof(RefundIssued), r.Id)].ToList();
            if (posted.Count == 0) differences.Add($"refund {r.Id} ({r.Amount} {r.Currency}) went through the gateway but the journal has no RefundIssued for it");
            else if (posted[0].GatewayAmount != -r.Amount || posted[0].Currency != r.Currency)
                differences.Add($"refund {r.Id}: the gateway refunded {r.Amount} {r.Currency}, the journal's gateway account moved {posted[0].GatewayAmount} {posted[0].Currency}");
        }
        var refundIds = refunds.Select(r => r.Id).ToHashSet();
        foreach (var p in recorded.Where(r => r.Kind == nameof(RefundIssued) && !refundIds.Contains(r.SourceId)))
            differences.Add($"the journal has refund {p.SourceId} ({p.GatewayAmount} {p.Currency}) that the gateway never made");

        var disputes = await db.Disputes.AsNoTracking().Select(d => new { d.Id, d.Amount, d.Fee, d.Currency }).ToListAsync(ct);
        foreach (var d in disputes)
        {
            var posted = journal[(nameof(ChargebackOpened), d.Id)].ToList();
            if (posted.Count == 0) differences.Add($"dispute {d.Id} ({d.Amount} {d.Currency}) is not in the journal");
            else if (posted[0].GatewayAmount != -(d.Amount + d.Fee))
                differences.Add($"dispute {d.Id}: the gateway withdrew {d.Amount} + fee {d.Fee}, the journal's gateway account moved {posted[0].GatewayAmount}");
        }
        return differences;
    }
}
