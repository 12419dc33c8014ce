using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Orders;
using Encore.Inventory.Holds;
using Encore.Inventory.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Encore.Inventory.Sales;

/// <summary>
/// The inventory stops offering what orders sold: OrderPaid records each admission's seat or
/// standing place here and marks it sold in the hold store, with the places the buyer bought (their
/// limit counts them), then releases the order's hold; a refund (of an event that goes on) puts the places back on sale. The store
/// is told absolute values computed from this table, and told again on a redelivery (a refund's
/// places come from the message, since its rows are gone by then), so a crash between the two
/// writes heals itself.
/// </summary>
internal sealed class OrdersConsumer(InventoryDbContext db, HoldService holds, IHoldStore store, TimeProvider clock)
    : IIntegrationEventHandler<OrderPaid>, IIntegrationEventHandler<AdmissionsRefunded>
{
    public const string Consumer = "inventory.orders";

    public async Task HandleAsync(OrderPaid e, IntegrationEventContext context, CancellationToken ct)
    {
        if (await db.TryRecordInboxAsync(context, Consumer, clock, ct))
        {
            var known = await db.SoldPlaces.Where(s => s.PerformanceId == e.PerformanceId && s.OrderId == e.OrderId).Select(s => s.AdmissionId).ToListAsync(ct);
            foreach (var admission in e.Admissions.Where(a => !known.Contains(a.AdmissionId)))
                db.SoldPlaces.Add(new SoldPlace
                {
                    AdmissionId = admission.AdmissionId, PerformanceId = e.PerformanceId, OrderId = e.OrderId, BuyerId = e.BuyerId,
                    SeatId = admission.SeatId, SectionCode = admission.SectionCode, SoldAt = e.PaidAt,
                });
            await db.SaveChangesAsync(ct);
        }
        await TellStoreAsync(e.PerformanceId, e.Admissions.Where(a => a.SeatId is not null).Select(a => a.SeatId!.Value).ToList(),
            e.Admissions.Where(a => a.SeatId is null).Select(a => a.SectionCode).ToList(), [e.BuyerId], ct);
        // Only now does the order's hold let go: its seats are marked sold above, so releasing it
        // frees none of them (a release only deletes claims that still name the hold), and its
        // standing places move from held to sold. Until this point they never looked free.
        if (e.HoldId is { } holdId) await store.ReleaseAsync(holdId, e.BuyerId, ct);
    }

    public async Task HandleAsync(AdmissionsRefunded e, IntegrationEventContext context, CancellationToken ct)
    {
        // A cancelled event's places stay sold: nobody can buy them again anyway.
        if (e.EventCancelled) return;
        var places = await db.SoldPlaces.Where(s => s.PerformanceId == e.PerformanceId && e.AdmissionIds.Contains(s.AdmissionId)).ToListAsync(ct);
        if (await db.TryRecordInboxAsync(context, Consumer, clock, ct))
        {
            db.SoldPlaces.RemoveRange(places);
            await db.SaveChangesAsync(ct);
        }
        // On a redelivery the rows are already gone: the places and the buyer come from the message,
        // so the store is told again and a crash between the delete and the store heals.
        var refunded = e.Places.Count > 0
            ? e.Places.Select(p => (p.SeatId, p.SectionCode)).ToList()
            : places.Select(p => (p.SeatId, p.SectionCode)).ToList();
        IReadOnlyList<Guid> buyers = e.BuyerId != Guid.Empty ? [e.BuyerId] : places.Select(p => p.BuyerId).Distinct().ToList();
        await TellStoreAsync(e.PerformanceId, refunded.Where(p => p.SeatId is not null).Select(p => p.SeatId!.Value).ToList(),
            refunded.Where(p => p.SeatId is null).Select(p => p.SectionCode).ToList(), buyers, ct);
    }

    async Task TellStoreAsync(Guid performanceId, IReadOnlyList<Guid> seats, IReadOnlyList<string> sections, IReadOnlyList<Guid> buyers, CancellationToken ct)
    {
        if (await holds.LayoutAsync(performanceId, ct) is not { } layout) return;
        // Instances deliver messages in parallel: two could each count before the other's rows were
        // committed, and the staler total reach the store last (a buyer's limit would miss an order).
        if (store.VersionsSoldUpdates)
        {
            // The store keeps, for each seat, section and buyer, the value of the highest version that
            // named it. The version is taken before counting: a sale's own update counts after the sale
            // committed, and any update with a higher version counts later still, so what stays is
            // always a count that saw every committed sale, and nobody waits for anybody.
            var version = await holds.WithStoreAsync(layout, () => store.NextSoldVersionAsync(performanceId, ct), ct);
            var fresh = db.Database.IsNpgsql()
                ? await CountInOneTripAsync(performanceId, seats, sections, buyers, null, ct)
                : await CountAsync(performanceId, seats, sections, buyers, ct);
            var versioned = new SoldState(fresh.SoldSeats, seats.Except(fresh.SoldSeats).ToList(), fresh.Standing, fresh.Bought) { Version = version };
            await holds.WithStoreAsync(layout, async () => { await store.SetSoldAsync(performanceId, versioned, ct); return true; }, ct);
            return;
        }
        // A store that applies updates as they come (the advisory-lock store): counting and telling
        // under one lock per performance makes the last total told one that saw every committed sale.
        // The two-int key space is apart from that store's bigint keys, which its SetSoldAsync takes
        // on another connection.
        await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(ct) : null;
        var counted = transaction is not null
            ? await CountInOneTripAsync(performanceId, seats, sections, buyers, (NpgsqlTransaction)transaction.GetDbTransaction(), ct)
            : await CountAsync(performanceId, seats, sections, buyers, ct);
        var update = new SoldState(counted.SoldSeats, seats.Except(counted.SoldSeats).ToList(), counted.Standing, counted.Bought);
        await holds.WithStoreAsync(layout, async () => { await store.SetSoldAsync(performanceId, update, ct); return true; }, ct);
        if (transaction is not null) await transaction.CommitAsync(ct);
    }

    sealed record Counted(List<Guid> SoldSeats, Dictionary<string, int> Standing, Dictionary<Guid, int> Bought);

    /// <summary>Which of the seats are sold, units sold per standing section, places bought per buyer (0 for none).</summary>
    async Task<Counted> CountAsync(Guid performanceId, IReadOnlyList<Guid> seats, IReadOnlyList<string> sections, IReadOnlyList<Guid> buyers, CancellationToken ct)
    {
        var soldSeats = await db.SoldPlaces.AsNoTracking().Where(s => s.PerformanceId == performanceId && s.SeatId != null && seats.Contains(s.SeatId!.Value))
            .Select(s => s.SeatId!.Value).ToListAsync(ct);
        var standing = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var section in sections.Distinct(StringComparer.Ordinal))
            standing[section] = await db.SoldPlaces.CountAsync(s => s.PerformanceId == performanceId && s.SeatId == null && s.SectionCode == section, ct);
        var bought = buyers.Distinct().ToDictionary(b => b, _ => 0);
        foreach (var row in await db.SoldPlaces.AsNoTracking().Where(s => s.PerformanceId == performanceId && buyers.Contains(s.BuyerId))
            .GroupBy(s => s.BuyerId).Select(g => new { Buyer = g.Key, Places = g.Count() }).ToListAsync(ct))
            bought[row.Buyer] = row.Places;
        return new Counted(soldSeats, standing, bought);
    }

    /// <summary>
    /// The same counts on PostgreSQL in one round trip, under the performance's lock when given its
    /// transaction: every OrderPaid of a performance passes through that lock, so the time it is
    /// held bounds how fast an on-sale's sales reach the store.
    /// </summary>
    async Task<Counted> CountInOneTripAsync(
        Guid performanceId, IReadOnlyList<Guid> seats, IReadOnlyList<string> sections, IReadOnlyList<Guid> buyers, NpgsqlTransaction? locked, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(SoldPlace))!;
        var identifier = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => $"\"{entity.FindProperty(property)!.GetColumnName(identifier)}\"";
        var (table, performance, seat, section, buyer) = ($"\"{entity.GetSchema()}\".\"{entity.GetTableName()}\"",
            Column(nameof(SoldPlace.PerformanceId)), Column(nameof(SoldPlace.SeatId)), Column(nameof(SoldPlace.SectionCode)), Column(nameof(SoldPlace.BuyerId)));
        var distinctSections = sections.Distinct(StringComparer.Ordinal).ToArray();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), locked);
            if (locked is not null) batch.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock($1, $2)", SoldLockClass, SoldLockKey(performanceId)));
            batch.BatchCommands.Add(Command($"SELECT {seat} FROM {table} WHERE {performance} = $1 AND {seat} = ANY($2)", performanceId, seats.ToArray()));
            batch.BatchCommands.Add(Command($"SELECT {section}, count(*)::int FROM {table} WHERE {performance} = $1 AND {seat} IS NULL AND {section} = ANY($2) GROUP BY {section}",
                performanceId, distinctSections));
            batch.BatchCommands.Add(Command($"SELECT {buyer}, count(*)::int FROM {table} WHERE {performance} = $1 AND {buyer} = ANY($2) GROUP BY {buyer}",
                performanceId, buyers.ToArray()));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (locked is not null) await reader.NextResultAsync(ct);
            var soldSeats = new List<Guid>();
            while (await reader.ReadAsync(ct)) soldSeats.Add(reader.GetGuid(0));
            var standing = distinctSections.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) standing[reader.GetString(0)] = reader.GetInt32(1);
            var bought = buyers.Distinct().ToDictionary(b => b, _ => 0);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) bought[reader.GetGuid(0)] = reader.GetInt32(1);
            return new Counted(soldSeats, standing, bought);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    /// <summary>The lock's class ("sold" in ASCII); performances sharing a key only wait for each other.</summary>
    const int SoldLockClass = 0x736F6C64;

    static int SoldLockKey(Guid performanceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        performanceId.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[12..]);
    }
}
