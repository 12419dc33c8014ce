using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Contracts.Orders;
using Encore.Contracts.Tickets;
using Encore.Tickets.Codes;
using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Issuance;

/// <summary>
/// Issues a ticket per paid admission and voids the tickets of refunded ones. Delivery is at least
/// once and Orders might announce an order twice: the inbox row stops a redelivery of one message,
/// the unique admission id stops a second ticket for one admission whatever the messages are.
/// </summary>
internal sealed class OrderEventsConsumer(
    TicketsDbContext db, TicketKeyRing keys, ICatalogSchedule catalog, Schedules schedules, TimeProvider clock)
    : IIntegrationEventHandler<OrderPaid>, IIntegrationEventHandler<AdmissionsRefunded>, IIntegrationEventHandler<EventChanged>
{
    public const string Consumer = "tickets.orders";

    public async Task HandleAsync(OrderPaid e, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await db.TryRecordInboxAsync(context, Consumer, clock, ct)) return;
        var now = clock.GetUtcNow();

        // Keys and the performance's schedule first, each saved on its own: a code can be shown the
        // moment the ticket exists, and when instances issue a performance's first tickets at once,
        // the copy that loses the insert race gives way there instead of undoing these tickets.
        await keys.EnsureAsync(db, e.EventId, e.OrganizerId, ct);
        await schedules.FindAsync(e.PerformanceId, ct);

        var admissionIds = e.Admissions.Select(a => a.AdmissionId).ToList();
        var issued = await db.Tickets.Where(t => admissionIds.Contains(t.AdmissionId)).Select(t => t.AdmissionId).ToListAsync(ct);
        var fresh = e.Admissions.Where(a => !issued.Contains(a.AdmissionId)).DistinctBy(a => a.AdmissionId)
            .Select(a => Ticket.Issue(e, a, now)).ToList();
        db.Tickets.AddRange(fresh);
        if (fresh.Count > 0)
            db.AddToOutbox(new TicketsIssued(e.OrderId, e.BuyerId, e.BuyerEmail, e.BuyerName, e.EventId, e.PerformanceId,
                fresh.Select(t => t.Id).ToList(), now), clock);
        // A concurrent delivery of another copy of this order loses on the unique admission id and
        // throws; the relay retries it and then finds every ticket issued.
        await db.SaveChangesAsync(ct);
    }

    public async Task HandleAsync(AdmissionsRefunded e, IntegrationEventContext context, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.TryRecordInboxAsync(context, Consumer, clock, ct)) return;
        var now = clock.GetUtcNow();
        var ids = e.AdmissionIds.Distinct().ToList();
        // One statement: a gate scanning one of these tickets right now either admitted before it
        // (the refund then voids an admitted ticket, which the organizer sees) or is refused after.
        await db.Tickets.Where(t => ids.Contains(t.AdmissionId) && t.Status == TicketStatus.Valid)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Voided).SetProperty(t => t.VoidedAt, now), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task HandleAsync(EventChanged e, IntegrationEventContext context, CancellationToken ct)
    {
        // Rescheduled performances move the gates' window; only performances with tickets are copied.
        var now = clock.GetUtcNow();
        var ids = await db.Performances.Where(p => p.EventId == e.EventId).Select(p => p.PerformanceId).ToListAsync(ct);
        foreach (var id in ids)
        {
            await Schedules.CopyAsync(db, catalog, id, now, ct);
            schedules.Forget(id);
        }
        await db.SaveChangesAsync(ct);
    }
}
