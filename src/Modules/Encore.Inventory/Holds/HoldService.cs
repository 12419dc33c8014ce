using Encore.Inventory.Model;
using Encore.Inventory.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Inventory.Holds;

/// <summary>What a buyer asks to hold: specific seats, best available, or standing places.</summary>
internal abstract record HoldSpec
{
    public sealed record Seats(IReadOnlyList<Guid> SeatIds) : HoldSpec;
    public sealed record Best(BestAvailable.Criteria Criteria) : HoldSpec;
    public sealed record Standing(string Section, int Quantity) : HoldSpec;
}

/// <summary>
/// The hold workflow the HTTP slices share: the layout (cached, materialized on first use), the
/// hold store (initialized with the organizer's pools whenever it has lost them), and
/// best-available's pick-then-claim loop.
/// </summary>
internal sealed class HoldService(InventoryDbContext db, InventorySync sync, LayoutCache layouts, IHoldStore store, InventoryOptions options, LateHoldReleases late)
{
    /// <summary>Best available picks from a snapshot, so a concurrent buyer can win its seats first; it picks again a few times.</summary>
    const int BestAvailableAttempts = 4;

    // A read is shared by every request waiting for it, so no one request's cancellation may end it.
    public Task<PerformanceLayout?> LayoutAsync(Guid performanceId, CancellationToken ct) =>
        layouts.GetAsync(performanceId, () => ReadLayoutAsync(performanceId, CancellationToken.None));

    /// <summary>Reads a layout in a scope of its own, for the cache's background refreshes.</summary>
    internal static async Task<PerformanceLayout?> ReadInOwnScopeAsync(IServiceScopeFactory scopes, Guid performanceId)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HoldService>().ReadLayoutAsync(performanceId, CancellationToken.None);
    }

    async Task<PerformanceLayout?> ReadLayoutAsync(Guid performanceId, CancellationToken ct)
    {
        if (!await sync.EnsureAsync(performanceId, ct)) return null;
        var inventory = await db.Performances.AsNoTracking().SingleOrDefaultAsync(p => p.PerformanceId == performanceId, ct);
        if (inventory is null) return null;
        // Each collection read on its own: Include's fix-up checks every seat against the list it is
        // adding to, quadratic in the seats (a 20,000-seat layout cost seconds of CPU per refresh).
        inventory.Seats = await db.Seats.AsNoTracking().Where(s => s.PerformanceId == performanceId).ToListAsync(ct);
        inventory.Standing = await db.Standing.AsNoTracking().Where(s => s.PerformanceId == performanceId).ToListAsync(ct);
        inventory.Windows = await db.Windows.AsNoTracking().Where(w => w.PerformanceId == performanceId).ToListAsync(ct);
        var settings = await db.EventSettings.AsNoTracking().SingleOrDefaultAsync(s => s.EventId == inventory.EventId, ct);
        var layout = PerformanceLayout.From(inventory, settings, options);
        // The store is loaded the first time this instance reads the layout; a refresh finds it loaded (a
        // store that lost it since answers "not loaded", and WithStoreAsync loads it again).
        if (!layouts.Seen(performanceId))
            await store.InitializeAsync(performanceId, layout.PoolSeats, await SoldAsync(performanceId, ct), ct);
        return layout;
    }

    /// <summary>Runs a store operation, loading the performance into the store first if it had lost it.</summary>
    public async Task<T> WithStoreAsync<T>(PerformanceLayout layout, Func<Task<T>> operation, CancellationToken ct)
    {
        try
        {
            return await operation();
        }
        catch (PerformanceNotLoadedException)
        {
            await store.InitializeAsync(layout.PerformanceId, await PoolSeatsAsync(layout.PerformanceId, ct), await SoldAsync(layout.PerformanceId, ct), ct);
            return await operation();
        }
    }

    /// <summary>What orders sold on the performance, as recorded here from OrderPaid: a store that lost its state is loaded with it.</summary>
    public async Task<SoldState> SoldAsync(Guid performanceId, CancellationToken ct)
    {
        var sold = await db.SoldPlaces.AsNoTracking().Where(s => s.PerformanceId == performanceId)
            .Select(s => new { s.SeatId, s.SectionCode }).ToListAsync(ct);
        var bought = await db.SoldPlaces.AsNoTracking().Where(s => s.PerformanceId == performanceId)
            .GroupBy(s => s.BuyerId).Select(g => new { Buyer = g.Key, Places = g.Count() }).ToDictionaryAsync(b => b.Buyer, b => b.Places, ct);
        return new SoldState(
            sold.Where(s => s.SeatId is not null).Select(s => s.SeatId!.Value).ToList(), [],
            sold.Where(s => s.SeatId is null).GroupBy(s => s.SectionCode).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            bought);
    }

    async Task<IReadOnlyDictionary<Guid, InventoryPool>> PoolSeatsAsync(Guid performanceId, CancellationToken ct) =>
        await db.Seats.AsNoTracking().Where(s => s.PerformanceId == performanceId && s.Pool != null)
            .ToDictionaryAsync(s => s.SeatId, s => s.Pool!.Value, ct);

    public Task<ClaimSnapshot> SnapshotAsync(PerformanceLayout layout, CancellationToken ct) =>
        WithStoreAsync(layout, () => store.SnapshotAsync(layout.PerformanceId, ct), ct);

    /// <summary>The hold an earlier request with this key placed (or why not); null if it placed none.</summary>
    public Task<HoldOutcome?> ReplayAsync(PerformanceLayout layout, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct) =>
        WithStoreAsync(layout, () => store.ReplayAsync(layout.PerformanceId, buyerId, idempotencyKey, requestHash, ct), ct);

    /// <summary>Places a hold; a best-available request with nothing left to pick answers SeatsTaken with no seats.</summary>
    public async Task<HoldOutcome> PlaceAsync(
        PerformanceLayout layout, Guid buyerId, HoldSpec spec, string? idempotencyKey, string requestHash, CancellationToken ct)
    {
        // The limit counts what the buyer bought too: the store knows it (told by the orders consumer),
        // so the hold path reads nothing from the database.
        HoldRequest Request(IReadOnlyList<Guid> seats, StandingRequest? standing) => new(
            layout.PerformanceId, BuildingBlocks.Ids.New(), buyerId, seats, standing, layout.HoldTtl, layout.BuyerLimit, idempotencyKey, requestHash);

        switch (spec)
        {
            case HoldSpec.Seats seats:
                return await HoldAsync(layout, Request(seats.SeatIds, null), ct);
            case HoldSpec.Standing standing:
                var capacity = layout.Standing[standing.Section].Capacity;
                return await HoldAsync(layout, Request([], new StandingRequest(standing.Section, standing.Quantity, capacity)), ct);
            case HoldSpec.Best best:
                HoldOutcome outcome = new HoldOutcome.SeatsTaken([]);
                for (var attempt = 0; attempt < BestAvailableAttempts; attempt++)
                {
                    var claims = await SnapshotAsync(layout, ct);
                    if (BestAvailable.Pick(layout, claims, best.Criteria) is not { } picked) return new HoldOutcome.SeatsTaken([]);
                    outcome = await HoldAsync(layout, Request(picked, null), ct);
                    if (outcome is not HoldOutcome.SeatsTaken) return outcome;
                }
                return outcome;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec));
        }
    }

    /// <summary>
    /// One hold request to the store. When the store fails it (down, or too slow to answer), it may
    /// still place the hold later; without an Idempotency-Key to ask for it back, that hold is let go.
    /// With a key the buyer's retry gets it back instead (the store records the key with the hold).
    /// </summary>
    async Task<HoldOutcome> HoldAsync(PerformanceLayout layout, HoldRequest request, CancellationToken ct)
    {
        try
        {
            return await WithStoreAsync(layout, () => store.HoldAsync(request, ct), ct);
        }
        catch (Exception e) when (request.IdempotencyKey is null && BuildingBlocks.Outages.Caused(e))
        {
            late.LetGo(request.HoldId, request.BuyerId, request.Ttl);
            throw;
        }
    }
}
