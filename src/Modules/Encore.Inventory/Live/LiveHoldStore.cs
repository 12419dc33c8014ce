using Encore.Inventory.Holds;
using Encore.Inventory.Model;

namespace Encore.Inventory.Live;

/// <summary>
/// The hold store as the app uses it: every change that succeeds marks its seats for the live
/// feed, so no caller (the API, the pages, checkout later) can change availability without
/// watching pages hearing of it.
/// </summary>
internal sealed class LiveHoldStore(IHoldStore inner, AvailabilityFeed feed) : IHoldStore
{
    public Task InitializeAsync(Guid performanceId, IReadOnlyDictionary<Guid, InventoryPool> poolSeats, SoldState sold, CancellationToken ct) =>
        inner.InitializeAsync(performanceId, poolSeats, sold, ct);

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken ct)
    {
        var outcome = await inner.HoldAsync(request, ct);
        if (outcome is HoldOutcome.Placed { Replayed: false, Hold: var hold }) feed.Touch(hold.PerformanceId, hold.SeatIds, hold.Section);
        return outcome;
    }

    public Task<HoldOutcome?> ReplayAsync(Guid performanceId, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct) =>
        inner.ReplayAsync(performanceId, buyerId, idempotencyKey, requestHash, ct);

    public Task<Hold?> GetAsync(Guid holdId, CancellationToken ct) => inner.GetAsync(holdId, ct);

    public async Task<Hold?> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        var released = await inner.ReleaseAsync(holdId, buyerId, ct);
        if (released is not null) feed.Touch(released.PerformanceId, released.SeatIds, released.Section);
        return released;
    }

    public Task<ExtendOutcome> ExtendAsync(Guid holdId, Guid buyerId, CancellationToken ct) => inner.ExtendAsync(holdId, buyerId, ct);

    public Task<ClaimSnapshot> SnapshotAsync(Guid performanceId, CancellationToken ct) => inner.SnapshotAsync(performanceId, ct);

    public async Task<BlockOutcome> BlockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var outcome = await inner.BlockAsync(performanceId, pool, seatIds, ct);
        if (outcome is BlockOutcome.Blocked) feed.Touch(performanceId, seatIds);
        return outcome;
    }

    public async Task UnblockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        await inner.UnblockAsync(performanceId, pool, seatIds, ct);
        feed.Touch(performanceId, seatIds);
    }

    public async Task SetSoldAsync(Guid performanceId, SoldState update, CancellationToken ct)
    {
        await inner.SetSoldAsync(performanceId, update, ct);
        feed.Touch(performanceId, [.. update.Sold, .. update.Unsold]);
        foreach (var section in update.StandingSold.Keys) feed.Touch(performanceId, [], section);
    }

    public bool VersionsSoldUpdates => inner.VersionsSoldUpdates;

    public Task<long> NextSoldVersionAsync(Guid performanceId, CancellationToken ct) => inner.NextSoldVersionAsync(performanceId, ct);

    public Task<ClaimSnapshot> ClaimsOfAsync(Guid performanceId, IReadOnlyCollection<Guid> seatIds, IReadOnlyCollection<string> sections, CancellationToken ct) =>
        inner.ClaimsOfAsync(performanceId, seatIds, sections, ct);

    public Task<ExpiredClaims> TakeExpiredAsync(Guid performanceId, CancellationToken ct) => inner.TakeExpiredAsync(performanceId, ct);
}
