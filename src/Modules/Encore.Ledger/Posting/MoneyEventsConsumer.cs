using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.MoneyFlow;
using Encore.Ledger.Journal;
using Microsoft.EntityFrameworkCore;

namespace Encore.Ledger.Posting;

/// <summary>
/// Posts every money event to the journal. Delivery is at least once and a producer may even
/// announce one payment twice, so two keys stop a double posting: the inbox row (per message)
/// and the unique (kind, source id) of the transaction (per payment, refund or chargeback).
/// Both commit in the same SaveChanges as the entries.
/// </summary>
internal sealed class MoneyEventsConsumer(LedgerDbContext db, TimeProvider clock)
    : IIntegrationEventHandler<PaymentCaptured>, IIntegrationEventHandler<RefundIssued>, IIntegrationEventHandler<ChargebackOpened>
{
    public const string Consumer = "ledger.money-events";

    public Task HandleAsync(PaymentCaptured e, IntegrationEventContext context, CancellationToken ct) =>
        PostAsync(e, nameof(PaymentCaptured), $"Payment {e.PaymentId:D} for order {e.OrderId:D}", () => MoneyPostings.For(e), context, ct);

    public Task HandleAsync(RefundIssued e, IntegrationEventContext context, CancellationToken ct) =>
        PostAsync(e, nameof(RefundIssued), $"Refund {e.RefundId:D} of order {e.OrderId:D}", () => MoneyPostings.For(e), context, ct);

    public Task HandleAsync(ChargebackOpened e, IntegrationEventContext context, CancellationToken ct) =>
        PostAsync(e, nameof(ChargebackOpened), $"Chargeback {e.ChargebackId:D} on order {e.OrderId:D}", () => MoneyPostings.For(e), context, ct);

    async Task PostAsync(IMoneyEvent e, string kind, string description, Func<IReadOnlyList<Journal.Posting>> postings, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await db.TryRecordInboxAsync(context, Consumer, clock, ct)) return;
        db.Receipts.Add(new MoneyEventReceipt { MessageId = context.MessageId, SourceKind = kind, SourceId = e.SourceId, ReceivedAt = clock.GetUtcNow() });
        var posted = await db.Transactions.AnyAsync(t => t.SourceKind == kind && t.SourceId == e.SourceId, ct);
        if (!posted)
            db.Transactions.Add(JournalTransaction.Create(kind, e.SourceId, e.OrderId, e.OrganizerId, description, e.OccurredAt, clock.GetUtcNow(), postings()));
        await db.SaveChangesAsync(ct);
    }
}
