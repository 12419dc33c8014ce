using System.Buffers.Binary;
using Encore.Inventory.Model;
using Npgsql;

namespace Encore.Inventory.Holds;

/// <summary>
/// Holds as rows in PostgreSQL, every change to a performance serialized by one transaction-scoped
/// advisory lock (<c>pg_advisory_xact_lock</c>): the design Hi.Events uses for its orders. Selected
/// by <c>Encore:Inventory:HoldStore=AdvisoryLock</c> (PostgreSQL only) so the benchmark can compare it
/// with the Redis store on the same contract suite and the same HTTP path; it is not the default.
///
/// Under the lock each write sweeps the performance's expired holds, checks (idempotency key, buyer
/// limit, GA remaining or seat claims) and writes in one transaction; reads take no lock and count
/// only holds whose expiry is in the future, so an expired hold frees its seats at once. The primary
/// key of <c>lock_hold_seats</c> (performance, seat) refuses a second claim even if the lock were skipped.
/// </summary>
internal sealed class AdvisoryLockHoldStore(NpgsqlDataSource db, TimeProvider clock) : IHoldStore
{
    static readonly TimeSpan IdempotencyLifetime = TimeSpan.FromHours(24);
    const string S = "inventory";

    /// <summary>One lock key per performance: the first 8 bytes of its id.</summary>
    static long LockKey(Guid performanceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        performanceId.TryWriteBytes(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> LockAsync(Guid performanceId, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = LockKey(performanceId) });
            await command.ExecuteNonQueryAsync(ct);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    static async Task<bool> LoadedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid performanceId, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, $"""SELECT 1 FROM {S}.lock_performances WHERE "PerformanceId" = $1""", performanceId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Deletes the performance's expired holds (their seats go with them) and stale idempotency keys.</summary>
    static async Task SweepAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid performanceId, DateTimeOffset now, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        // The expired holds' claims are kept for the live feed, which tells watching pages the seats are free again.
        batch.BatchCommands.Add(BatchCommand(
            $"""
            WITH gone AS (DELETE FROM {S}.lock_holds WHERE "PerformanceId" = $1 AND "ExpiresAt" <= $2 RETURNING "SeatIds", "Section")
            INSERT INTO {S}.lock_expired_holds ("PerformanceId", "SeatIds", "Section") SELECT $1, "SeatIds", "Section" FROM gone
            """, performanceId, now));
        batch.BatchCommands.Add(BatchCommand($"""DELETE FROM {S}.lock_hold_keys WHERE "PerformanceId" = $1 AND "Until" <= $2""", performanceId, now));
        await batch.ExecuteNonQueryAsync(ct);
    }

    static NpgsqlBatchCommand BatchCommand(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    const string HoldColumns = """ "HoldId", "PerformanceId", "BuyerId", "SeatIds", "Section", "Quantity", "FencingToken", "CreatedAt", "ExpiresAt", "Extended", "TtlMilliseconds" """;

    static Hold ReadHold(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetGuid(2),
        r.GetString(3).Length == 0 ? [] : r.GetString(3).Split(',').Select(Guid.Parse).ToList(),
        r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5), r.GetInt64(6),
        r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), r.GetBoolean(9), TimeSpan.FromMilliseconds(r.GetInt64(10)));

    static async Task<Hold?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid holdId, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, $"""SELECT {HoldColumns} FROM {S}.lock_holds WHERE "HoldId" = $1 AND "ExpiresAt" > $2""", holdId, now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadHold(reader) : null;
    }

    public async Task InitializeAsync(Guid performanceId, IReadOnlyDictionary<Guid, InventoryPool> poolSeats, SoldState sold, CancellationToken ct)
    {
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            await using var insert = Command(connection, transaction,
                $"""INSERT INTO {S}.lock_performances ("PerformanceId", "Fence") VALUES ($1, 0) ON CONFLICT DO NOTHING""", performanceId);
            // Another instance (or an earlier call) loaded it: what happened since must not be undone.
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
            {
                if (poolSeats.Count > 0) await InsertPoolsAsync(connection, transaction, performanceId, poolSeats.ToList(), ct);
                await WriteSoldAsync(connection, transaction, performanceId, sold, ct);
            }
            await transaction.CommitAsync(ct);
        }
    }

    /// <summary>Updates apply in the order they arrive: the inventory counts and tells under a lock of its own for this store.</summary>
    public bool VersionsSoldUpdates => false;

    public Task<long> NextSoldVersionAsync(Guid performanceId, CancellationToken ct) => Task.FromResult(0L);

    public async Task SetSoldAsync(Guid performanceId, SoldState update, CancellationToken ct)
    {
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            if (!await LoadedAsync(connection, transaction, performanceId, ct)) throw new PerformanceNotLoadedException(performanceId);
            await WriteSoldAsync(connection, transaction, performanceId, update, ct);
            await transaction.CommitAsync(ct);
        }
    }

    static async Task WriteSoldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid performanceId, SoldState update, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (update.Unsold.Count > 0)
            batch.BatchCommands.Add(BatchCommand($"""DELETE FROM {S}.lock_sold_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)""",
                performanceId, update.Unsold.ToArray()));
        if (update.Sold.Count > 0)
            batch.BatchCommands.Add(BatchCommand(
                $"""INSERT INTO {S}.lock_sold_seats ("PerformanceId", "SeatId") SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING""",
                performanceId, update.Sold.ToArray()));
        foreach (var (section, units) in update.StandingSold)
            batch.BatchCommands.Add(BatchCommand(
                $"""
                INSERT INTO {S}.lock_sold_standing ("PerformanceId", "Section", "Sold") VALUES ($1, $2, $3)
                ON CONFLICT ("PerformanceId", "Section") DO UPDATE SET "Sold" = excluded."Sold"
                """, performanceId, section, Math.Max(0, units)));
        foreach (var (buyer, places) in update.Bought)
            batch.BatchCommands.Add(places > 0
                ? BatchCommand(
                    $"""
                    INSERT INTO {S}.lock_sold_buyers ("PerformanceId", "BuyerId", "Bought") VALUES ($1, $2, $3)
                    ON CONFLICT ("PerformanceId", "BuyerId") DO UPDATE SET "Bought" = excluded."Bought"
                    """, performanceId, buyer, places)
                : BatchCommand($"""DELETE FROM {S}.lock_sold_buyers WHERE "PerformanceId" = $1 AND "BuyerId" = $2""", performanceId, buyer));
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    static async Task InsertPoolsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid performanceId,
        IReadOnlyList<KeyValuePair<Guid, InventoryPool>> seats, CancellationToken ct)
    {
        await using var command = Command(connection, transaction,
            $"""
            INSERT INTO {S}.lock_pool_seats ("PerformanceId", "SeatId", "Pool")
            SELECT $1, s, p FROM unnest($2::uuid[], $3::integer[]) AS t(s, p)
            ON CONFLICT ("PerformanceId", "SeatId") DO UPDATE SET "Pool" = excluded."Pool"
            """,
            performanceId, seats.Select(s => s.Key).ToArray(), seats.Select(s => (int)s.Value).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<HoldOutcome?> ReplayAsync(Guid performanceId, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            if (!await LoadedAsync(connection, transaction, performanceId, ct)) throw new PerformanceNotLoadedException(performanceId);
            return await ReplayAsync(connection, transaction, performanceId, buyerId, idempotencyKey, requestHash, now, ct);
        }
    }

    static async Task<HoldOutcome?> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid performanceId, Guid buyerId,
        string key, string requestHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var find = Command(connection, transaction,
            $"""SELECT "HoldId", "RequestHash" FROM {S}.lock_hold_keys WHERE "PerformanceId" = $1 AND "BuyerId" = $2 AND "Key" = $3""",
            performanceId, buyerId, key);
        (Guid HoldId, string Hash)? earlier = null;
        await using (var reader = await find.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct)) earlier = (reader.GetGuid(0), reader.GetString(1));
        if (earlier is not { } found) return null;
        if (found.Hash != requestHash) return new HoldOutcome.KeyReused(HoldGone: false);
        return await FindAsync(connection, transaction, found.HoldId, now, ct) is { } replay
            ? new HoldOutcome.Placed(replay, Replayed: true)
            : new HoldOutcome.KeyReused(HoldGone: true);
    }

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (connection, transaction) = await LockAsync(request.PerformanceId, ct);
        await using (connection)
        await using (transaction)
        {
            if (!await LoadedAsync(connection, transaction, request.PerformanceId, ct)) throw new PerformanceNotLoadedException(request.PerformanceId);
            await SweepAsync(connection, transaction, request.PerformanceId, now, ct);

            if (request.IdempotencyKey is { } key
                && await ReplayAsync(connection, transaction, request.PerformanceId, request.BuyerId, key, request.RequestHash, now, ct) is { } replayed)
                return replayed;

            // Expired holds were just swept, so every remaining hold is live.
            int alreadyHeld, standingHeld;
            var taken = new List<Guid>();
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                // The limit counts what the buyer bought with their live holds.
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    SELECT (COALESCE(SUM("Quantity"), 0) + COALESCE((SELECT "Bought" FROM {S}.lock_sold_buyers WHERE "PerformanceId" = $1 AND "BuyerId" = $2), 0))::integer
                    FROM {S}.lock_holds WHERE "PerformanceId" = $1 AND "BuyerId" = $2
                    """, request.PerformanceId, request.BuyerId));
                // Sold units count against the capacity like held ones.
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    SELECT (COALESCE(SUM("Quantity"), 0) + COALESCE((SELECT "Sold" FROM {S}.lock_sold_standing WHERE "PerformanceId" = $1 AND "Section" = $2), 0))::integer
                    FROM {S}.lock_holds WHERE "PerformanceId" = $1 AND "Section" = $2
                    """, request.PerformanceId, request.Standing?.Section ?? ""));
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    SELECT "SeatId" FROM {S}.lock_hold_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)
                    UNION SELECT "SeatId" FROM {S}.lock_pool_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)
                    UNION SELECT "SeatId" FROM {S}.lock_sold_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)
                    """,
                    request.PerformanceId, request.SeatIds.ToArray()));
                await using var reader = await batch.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                alreadyHeld = reader.GetInt32(0);
                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                standingHeld = reader.GetInt32(0);
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct)) taken.Add(reader.GetGuid(0));
            }

            if (alreadyHeld + request.Quantity > request.BuyerLimit) return new HoldOutcome.OverLimit(request.BuyerLimit, alreadyHeld);
            if (request.Standing is { } standing)
            {
                var remaining = Math.Max(0, standing.Capacity - standingHeld);
                if (standing.Quantity > remaining) return new HoldOutcome.NotEnoughLeft(remaining);
            }
            else if (taken.Count > 0)
                return new HoldOutcome.SeatsTaken([.. request.SeatIds.Where(taken.Contains)]);

            long fence;
            await using (var next = Command(connection, transaction,
                $"""UPDATE {S}.lock_performances SET "Fence" = "Fence" + 1 WHERE "PerformanceId" = $1 RETURNING "Fence" """, request.PerformanceId))
                fence = (long)(await next.ExecuteScalarAsync(ct))!;

            var hold = new Hold(request.HoldId, request.PerformanceId, request.BuyerId, request.SeatIds, request.Standing?.Section,
                request.Quantity, fence, now, now + request.Ttl, Extended: false, request.Ttl);
            await using (var write = new NpgsqlBatch(connection, transaction))
            {
                write.BatchCommands.Add(BatchCommand(
                    $"""INSERT INTO {S}.lock_holds ({HoldColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false, $10)""",
                    hold.Id, hold.PerformanceId, hold.BuyerId, string.Join(',', hold.SeatIds), (object?)hold.Section ?? DBNull.Value,
                    hold.Quantity, hold.FencingToken, hold.CreatedAt, hold.ExpiresAt, (long)hold.Ttl.TotalMilliseconds));
                if (hold.SeatIds.Count > 0)
                    write.BatchCommands.Add(BatchCommand(
                        $"""INSERT INTO {S}.lock_hold_seats ("PerformanceId", "SeatId", "HoldId") SELECT $1, unnest($2::uuid[]), $3""",
                        hold.PerformanceId, hold.SeatIds.ToArray(), hold.Id));
                if (request.IdempotencyKey is { } newKey)
                    write.BatchCommands.Add(BatchCommand(
                        $"""INSERT INTO {S}.lock_hold_keys ("PerformanceId", "BuyerId", "Key", "HoldId", "RequestHash", "Until") VALUES ($1, $2, $3, $4, $5, $6)""",
                        hold.PerformanceId, hold.BuyerId, newKey, hold.Id, request.RequestHash, now + IdempotencyLifetime));
                await write.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return new HoldOutcome.Placed(hold, Replayed: false);
        }
    }

    public async Task<Hold?> GetAsync(Guid holdId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, null, holdId, clock.GetUtcNow(), ct);
    }

    async Task<Guid?> PerformanceOfAsync(Guid holdId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = Command(connection, null, $"""SELECT "PerformanceId" FROM {S}.lock_holds WHERE "HoldId" = $1""", holdId);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    public async Task<Hold?> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        if (await PerformanceOfAsync(holdId, ct) is not { } performanceId) return null;
        var now = clock.GetUtcNow();
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            var hold = await FindAsync(connection, transaction, holdId, now, ct);
            if (hold is null || hold.BuyerId != buyerId)
            {
                await transaction.CommitAsync(ct);
                return null;
            }
            await using var delete = Command(connection, transaction, $"""DELETE FROM {S}.lock_holds WHERE "HoldId" = $1""", holdId);
            await delete.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            return hold;
        }
    }

    public async Task<ExtendOutcome> ExtendAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        if (await PerformanceOfAsync(holdId, ct) is not { } performanceId) return new ExtendOutcome.NotFound();
        var now = clock.GetUtcNow();
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            var hold = await FindAsync(connection, transaction, holdId, now, ct);
            if (hold is null || hold.BuyerId != buyerId) return new ExtendOutcome.NotFound();
            if (hold.Extended) return new ExtendOutcome.AlreadyExtended(hold);
            var extended = hold with { ExpiresAt = hold.ExpiresAt + hold.Ttl, Extended = true };
            await using var update = Command(connection, transaction,
                $"""UPDATE {S}.lock_holds SET "ExpiresAt" = $2, "Extended" = true WHERE "HoldId" = $1""", holdId, extended.ExpiresAt);
            await update.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            return new ExtendOutcome.Extended(extended);
        }
    }

    public async Task<ClaimSnapshot> SnapshotAsync(Guid performanceId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await LoadedAsync(connection, null, performanceId, ct)) throw new PerformanceNotLoadedException(performanceId);
        var held = new HashSet<Guid>();
        var pools = new Dictionary<Guid, InventoryPool>();
        var standing = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand(
            $"""
            SELECT s."SeatId" FROM {S}.lock_hold_seats s JOIN {S}.lock_holds h ON h."HoldId" = s."HoldId"
            WHERE s."PerformanceId" = $1 AND h."ExpiresAt" > $2
            UNION SELECT "SeatId" FROM {S}.lock_sold_seats WHERE "PerformanceId" = $1
            """, performanceId, now));
        batch.BatchCommands.Add(BatchCommand($"""SELECT "SeatId", "Pool" FROM {S}.lock_pool_seats WHERE "PerformanceId" = $1""", performanceId));
        batch.BatchCommands.Add(BatchCommand(
            $"""
            SELECT "Section", SUM(n)::integer FROM (
                SELECT "Section", "Quantity" AS n FROM {S}.lock_holds WHERE "PerformanceId" = $1 AND "ExpiresAt" > $2 AND "Section" IS NOT NULL
                UNION ALL SELECT "Section", "Sold" FROM {S}.lock_sold_standing WHERE "PerformanceId" = $1) AS t
            GROUP BY "Section"
            """, performanceId, now));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) held.Add(reader.GetGuid(0));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) pools[reader.GetGuid(0)] = (InventoryPool)reader.GetInt32(1);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) standing[reader.GetString(0)] = reader.GetInt32(1);
        return new ClaimSnapshot(held, pools, standing);
    }

    public async Task<BlockOutcome> BlockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            if (!await LoadedAsync(connection, transaction, performanceId, ct)) throw new PerformanceNotLoadedException(performanceId);
            await SweepAsync(connection, transaction, performanceId, now, ct);
            var taken = new List<Guid>();
            await using (var check = Command(connection, transaction,
                $"""
                SELECT "SeatId" FROM {S}.lock_hold_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)
                UNION SELECT "SeatId" FROM {S}.lock_pool_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2) AND "Pool" <> $3
                UNION SELECT "SeatId" FROM {S}.lock_sold_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)
                """, performanceId, seatIds.ToArray(), (int)pool))
            await using (var reader = await check.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) taken.Add(reader.GetGuid(0));
            if (taken.Count > 0) return new BlockOutcome.SeatsTaken([.. seatIds.Where(taken.Contains)]);
            await InsertPoolsAsync(connection, transaction, performanceId, seatIds.Select(s => KeyValuePair.Create(s, pool)).ToList(), ct);
            await transaction.CommitAsync(ct);
            return new BlockOutcome.Blocked();
        }
    }

    public async Task UnblockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            await using var delete = Command(connection, transaction,
                $"""DELETE FROM {S}.lock_pool_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2) AND "Pool" = $3""",
                performanceId, seatIds.ToArray(), (int)pool);
            await delete.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }

    public async Task<ClaimSnapshot> ClaimsOfAsync(Guid performanceId, IReadOnlyCollection<Guid> seatIds, IReadOnlyCollection<string> sections, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await LoadedAsync(connection, null, performanceId, ct)) throw new PerformanceNotLoadedException(performanceId);
        var held = new HashSet<Guid>();
        var pools = new Dictionary<Guid, InventoryPool>();
        var standing = sections.Distinct(StringComparer.Ordinal).ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand(
            $"""
            SELECT s."SeatId" FROM {S}.lock_hold_seats s JOIN {S}.lock_holds h ON h."HoldId" = s."HoldId"
            WHERE s."PerformanceId" = $1 AND s."SeatId" = ANY($2) AND h."ExpiresAt" > $3
            UNION SELECT "SeatId" FROM {S}.lock_sold_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)
            """, performanceId, seatIds.ToArray(), now));
        batch.BatchCommands.Add(BatchCommand($"""SELECT "SeatId", "Pool" FROM {S}.lock_pool_seats WHERE "PerformanceId" = $1 AND "SeatId" = ANY($2)""",
            performanceId, seatIds.ToArray()));
        batch.BatchCommands.Add(BatchCommand(
            $"""
            SELECT "Section", SUM(n)::integer FROM (
                SELECT "Section", "Quantity" AS n FROM {S}.lock_holds WHERE "PerformanceId" = $1 AND "ExpiresAt" > $2 AND "Section" = ANY($3)
                UNION ALL SELECT "Section", "Sold" FROM {S}.lock_sold_standing WHERE "PerformanceId" = $1 AND "Section" = ANY($3)) AS t
            GROUP BY "Section"
            """, performanceId, now, standing.Keys.ToArray()));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) held.Add(reader.GetGuid(0));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) pools[reader.GetGuid(0)] = (InventoryPool)reader.GetInt32(1);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) standing[reader.GetString(0)] = reader.GetInt32(1);
        return new ClaimSnapshot(held, pools, standing);
    }

    public async Task<ExpiredClaims> TakeExpiredAsync(Guid performanceId, CancellationToken ct)
    {
        var (connection, transaction) = await LockAsync(performanceId, ct);
        await using (connection)
        await using (transaction)
        {
            if (!await LoadedAsync(connection, transaction, performanceId, ct)) return ExpiredClaims.None;
            await SweepAsync(connection, transaction, performanceId, clock.GetUtcNow(), ct);
            var seats = new List<Guid>();
            var sections = new List<string>();
            await using (var take = Command(connection, transaction,
                $"""DELETE FROM {S}.lock_expired_holds WHERE "PerformanceId" = $1 RETURNING "SeatIds", "Section" """, performanceId))
            await using (var reader = await take.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                {
                    var ids = reader.GetString(0);
                    if (ids.Length > 0) seats.AddRange(ids.Split(',').Select(Guid.Parse));
                    if (!reader.IsDBNull(1)) sections.Add(reader.GetString(1));
                }
            await transaction.CommitAsync(ct);
            return seats.Count == 0 && sections.Count == 0 ? ExpiredClaims.None : new ExpiredClaims(seats, sections);
        }
    }

    /// <summary>A data source for the configured PostgreSQL; the store's connections come from the normal pool.</summary>
    public static NpgsqlDataSource DataSource(string connectionString) => NpgsqlDataSource.Create(connectionString);
}
