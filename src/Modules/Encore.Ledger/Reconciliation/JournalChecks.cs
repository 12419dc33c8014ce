using Encore.Contracts.MoneyFlow;
using Microsoft.EntityFrameworkCore;

namespace Encore.Ledger.Reconciliation;

/// <summary>Every transaction has exactly its declared entries and sums to zero per currency.</summary>
internal sealed class BalancedCheck(LedgerDbContext db) : IReconciliationCheck
{
    public string Name => "ledger.balanced";

    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var differences = new List<string>();
        var unbalanced = await db.Entries.AsNoTracking()
            .GroupBy(e => new { e.TransactionId, e.Currency })
            .Select(g => new { g.Key.TransactionId, g.Key.Currency, Sum = g.Sum(e => e.Amount) })
            .Where(g => g.Sum != 0)
            .ToListAsync(ct);
        differences.AddRange(unbalanced.Select(u => $"transaction {u.TransactionId} does not balance in {u.Currency}: {u.Sum:+#;-#;0}"));

        var counts = await db.Transactions.AsNoTracking()
            .Select(t => new { t.Id, t.EntryCount, Actual = db.Entries.Count(e => e.TransactionId == t.Id) })
            .Where(t => t.Actual != t.EntryCount)
            .ToListAsync(ct);
        differences.AddRange(counts.Select(c => $"transaction {c.Id} declares {c.EntryCount} entries and has {c.Actual}"));

        var orphans = await db.Entries.AsNoTracking()
            .Where(e => !db.Transactions.Any(t => t.Id == e.TransactionId))
            .Select(e => e.TransactionId).Distinct().ToListAsync(ct);
        differences.AddRange(orphans.Select(o => $"entries of unknown transaction {o}"));
        return differences;
    }
}

/// <summary>Every money event delivered to the ledger is posted exactly once, and nothing is posted that no event asked for.</summary>
internal sealed class MoneyEventsOnceCheck(LedgerDbContext db) : IReconciliationCheck
{
    static readonly string[] MoneyKinds = [nameof(PaymentCaptured), nameof(RefundIssued), nameof(ChargebackOpened)];

    public string Name => "ledger.money-events-once";

    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var differences = new List<string>();
        var unposted = await db.Receipts.AsNoTracking()
            .Where(r => !db.Transactions.Any(t => t.SourceKind == r.SourceKind && t.SourceId == r.SourceId))
            .Select(r => new { r.SourceKind, r.SourceId, r.MessageId })
            .ToListAsync(ct);
        differences.AddRange(unposted.Select(u => $"{u.SourceKind} {u.SourceId} was received (message {u.MessageId}) but never posted"));

        var twice = await db.Transactions.AsNoTracking()
            .GroupBy(t => new { t.SourceKind, t.SourceId })
            .Where(g => g.Count() > 1)
            .Select(g => new { g.Key.SourceKind, g.Key.SourceId, Count = g.Count() })
            .ToListAsync(ct);
        differences.AddRange(twice.Select(t => $"{t.SourceKind} {t.SourceId} is posted {t.Count} times"));

        var unasked = await db.Transactions.AsNoTracking()
            .Where(t => MoneyKinds.Contains(t.SourceKind) && !db.Receipts.Any(r => r.SourceKind == t.SourceKind && r.SourceId == t.SourceId))
            .Select(t => new { t.SourceKind, t.SourceId })
            .ToListAsync(ct);
        differences.AddRange(unasked.Select(t => $"{t.SourceKind} {t.SourceId} is posted but no such event was received"));
        return differences;
    }
}

/// <summary>The journal's money events for other modules' checks.</summary>
internal sealed class LedgerReader(LedgerDbContext db) : ILedgerReader
{
    public async Task<IReadOnlyList<RecordedMoneyEvent>> RecordedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var rows = await db.Transactions.AsNoTracking()
            .Where(t => t.OccurredAt >= from && t.OccurredAt < to)
            .Select(t => new
            {
                t.SourceKind, t.SourceId, t.OrderId, t.OccurredAt,
                Gateway = t.Entries.Where(e => e.Account == Journal.Accounts.GatewayClearing).Select(e => new { e.Currency, e.Amount }).ToList(),
                Currency = t.Entries.Select(e => e.Currency).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows
            .Select(r => new RecordedMoneyEvent(r.SourceKind, r.SourceId, r.OrderId ?? Guid.Empty,
                r.Gateway.FirstOrDefault()?.Currency ?? r.Currency ?? "", r.Gateway.Sum(g => g.Amount), r.OccurredAt))
            .OrderBy(r => r.OccurredAt)
            .ToList();
    }
}
