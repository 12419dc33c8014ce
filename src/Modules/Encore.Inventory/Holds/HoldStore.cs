using Encore.Inventory.Model;

namespace Encore.Inventory.Holds;

/// <summary>
/// Where holds live: in this process (the embedded default) or in Redis (scaled). Both give the
/// same guarantees, checked by one contract test suite: a request's seats are held all or none,
/// a live seat claim has exactly one holder, GA never goes below zero, expired holds free their
/// seats without anyone sweeping by hand, and every hold gets a fencing token larger than any
/// before it on the same performance.
///
/// Holds are advisory but exclusive: they decide who may try to buy a seat for the next minutes,
/// never who bought it. The database's unique constraint on sold seats (checkout) is the final arbiter.
/// </summary>
internal interface IHoldStore
{
    /// <summary>
    /// Loads a performance's organizer blocks (pools) if this store has not seen the performance,
    /// or lost it (a Redis flush); a no-op otherwise.
    /// </summary>
    Task InitializeAsync(Guid performanceId, IReadOnlyDictionary<Guid, InventoryPool> poolSeats, SoldState sold, CancellationToken ct);

    /// <summary>
    /// Records what orders sold (and refunds put back): sold seats can never be held or blocked, a
    /// standing area's remaining places count its sold units, and a buyer's limit counts the places
    /// they bought. Absolute and idempotent: the same update twice changes nothing more. Snapshots
    /// report sold seats among the held ones (unavailable) and sold standing units within the units held.
    /// </summary>
    Task SetSoldAsync(Guid performanceId, SoldState update, CancellationToken ct);

    /// <summary>
    /// Whether the store orders sold updates itself: each carries a <see cref="SoldState.Version"/>
    /// from <see cref="NextSoldVersionAsync"/>, and a seat, section or buyer keeps the value of the
    /// highest version that named it, whatever order the updates arrive in. Instances telling it
    /// what sold then need no lock between them (docs/inventory.md).
    /// </summary>
    bool VersionsSoldUpdates { get; }

    /// <summary>
    /// A version for a sold update about to be counted: higher than every one handed out before for
    /// the performance, on any instance. 0 from a store that does not version (its callers serialize).
    /// </summary>
    Task<long> NextSoldVersionAsync(Guid performanceId, CancellationToken ct);

    Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken ct);

    /// <summary>
    /// What a retry with this buyer's idempotency key gets, without placing anything: the hold the key
    /// placed (replayed) if it is live, <see cref="HoldOutcome.KeyReused"/> if the key was used for
    /// another request or its hold is gone, null if the key placed nothing. <see cref="HoldAsync"/>
    /// makes the same check atomically; this one answers a retry that a gate would refuse now.
    /// </summary>
    Task<HoldOutcome?> ReplayAsync(Guid performanceId, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct);

    /// <summary>A live hold by id; null when unknown, expired or released.</summary>
    Task<Hold?> GetAsync(Guid holdId, CancellationToken ct);

    /// <summary>Releases a live hold of this buyer and answers what it held; null when there is none.</summary>
    Task<Hold?> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken ct);

    /// <summary>Extends a live hold of this buyer once by its own TTL.</summary>
    Task<ExtendOutcome> ExtendAsync(Guid holdId, Guid buyerId, CancellationToken ct);

    /// <summary>Every live claim of a performance: held seats, pool blocks, GA units held.</summary>
    Task<ClaimSnapshot> SnapshotAsync(Guid performanceId, CancellationToken ct);

    /// <summary>Moves public seats into a pool, all or none; a seat held by a buyer or another pool refuses the whole block.</summary>
    Task<BlockOutcome> BlockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct);

    /// <summary>Returns seats of a pool to public sale; seats not in that pool are left alone.</summary>
    Task UnblockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct);

    /// <summary>The live claims on some seats and standing sections only: what the live feed tells watching pages.</summary>
    Task<ClaimSnapshot> ClaimsOfAsync(Guid performanceId, IReadOnlyCollection<Guid> seatIds, IReadOnlyCollection<string> sections, CancellationToken ct);

    /// <summary>
    /// Sweeps the performance's expired holds and hands over what every hold that expired since the
    /// last call had claimed (whichever operation swept it), once: a second caller, on this or any
    /// other instance, gets only what expired after. Empty when the store does not know the performance.
    /// </summary>
    Task<ExpiredClaims> TakeExpiredAsync(Guid performanceId, CancellationToken ct);
}

/// <summary>
/// Seats to mark sold, seats sold no more, the total units sold per standing section named, and the
/// total places each named buyer bought on the performance (0 once refunds took them all back): the
/// buyer limit counts them with the buyer's live holds, inside the store's one atomic check.
/// </summary>
internal sealed record SoldState(
    IReadOnlyList<Guid> Sold, IReadOnlyList<Guid> Unsold, IReadOnlyDictionary<string, int> StandingSold, IReadOnlyDictionary<Guid, int> Bought)
{
    /// <summary>From <see cref="IHoldStore.NextSoldVersionAsync"/>, taken before counting; 0 applies the update as it is, unordered.</summary>
    public long Version { get; init; }

    public static readonly SoldState None = new([], [], new Dictionary<string, int>(), new Dictionary<Guid, int>());
}

/// <summary>Seats and standing sections that expired holds had claimed; a section appears once per hold.</summary>
internal sealed record ExpiredClaims(IReadOnlyList<Guid> SeatIds, IReadOnlyList<string> Sections)
{
    public static readonly ExpiredClaims None = new([], []);
    public bool IsEmpty => SeatIds.Count == 0 && Sections.Count == 0;
}

/// <summary>One buyer's request: specific seats, or a quantity in a standing area.</summary>
/// <param name="BuyerLimit">Most tickets this buyer may have on the performance: live holds plus places bought (as the store was told) plus this request.</param>
/// <param name="IdempotencyKey">A retry with the same key and request hash answers the first hold again.</param>
internal sealed record HoldRequest(
    Guid PerformanceId,
    Guid HoldId,
    Guid BuyerId,
    IReadOnlyList<Guid> SeatIds,
    StandingRequest? Standing,
    TimeSpan Ttl,
    int BuyerLimit,
    string? IdempotencyKey,
    string RequestHash)
{
    public int Quantity => Standing?.Quantity ?? SeatIds.Count;
}

/// <param name="Capacity">The area's capacity; the store keeps only how many units are held.</param>
internal sealed record StandingRequest(string Section, int Quantity, int Capacity);

internal sealed record Hold(
    Guid Id,
    Guid PerformanceId,
    Guid BuyerId,
    IReadOnlyList<Guid> SeatIds,
    string? Section,
    int Quantity,
    long FencingToken,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    bool Extended,
    TimeSpan Ttl);

internal abstract record HoldOutcome
{
    public sealed record Placed(Hold Hold, bool Replayed) : HoldOutcome;
    /// <summary>Another live hold or a pool has some of the seats.</summary>
    public sealed record SeatsTaken(IReadOnlyList<Guid> SeatIds) : HoldOutcome;
    public sealed record NotEnoughLeft(int Remaining) : HoldOutcome;
    public sealed record OverLimit(int Limit, int AlreadyHeld) : HoldOutcome;
    /// <summary>The idempotency key was used for another request, or its hold is gone.</summary>
    public sealed record KeyReused(bool HoldGone) : HoldOutcome;
}

internal abstract record ExtendOutcome
{
    public sealed record Extended(Hold Hold) : ExtendOutcome;
    public sealed record NotFound : ExtendOutcome;
    public sealed record AlreadyExtended(Hold Hold) : ExtendOutcome;
}

internal abstract record BlockOutcome
{
    public sealed record Blocked : BlockOutcome;
    public sealed record SeatsTaken(IReadOnlyList<Guid> SeatIds) : BlockOutcome;
}

/// <param name="HeldSeats">Seats in a live buyer hold.</param>
/// <param name="PoolSeats">Seats an organizer blocked, by pool.</param>
/// <param name="StandingHeld">GA units in live holds, by section.</param>
internal sealed record ClaimSnapshot(
    IReadOnlySet<Guid> HeldSeats,
    IReadOnlyDictionary<Guid, InventoryPool> PoolSeats,
    IReadOnlyDictionary<string, int> StandingHeld)
{
    public bool IsClaimed(Guid seatId) => HeldSeats.Contains(seatId) || PoolSeats.ContainsKey(seatId);
}

/// <summary>The store has no state for the performance (never loaded, or Redis lost it): initialize and retry.</summary>
internal sealed class PerformanceNotLoadedException(Guid performanceId)
    : Exception($"The hold store has not loaded performance {performanceId}.")
{
    public Guid PerformanceId { get; } = performanceId;
}
