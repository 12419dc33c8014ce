using System.Collections.Concurrent;
using Encore.Inventory.Model;

namespace Encore.Inventory.Holds;

/// <summary>
/// The embedded default: every performance's claims in memory behind one lock per performance,
/// which serializes a performance's requests the way a Redis script does. Expiry is driven by the
/// TimeProvider: each operation first sweeps the holds whose time has passed, and a hold whose time
/// has passed counts as gone even before the sweep reaches it.
/// </summary>
internal sealed class InProcessHoldStore(TimeProvider clock) : IHoldStore
{
    static readonly TimeSpan IdempotencyLifetime = TimeSpan.FromHours(24);

    readonly ConcurrentDictionary<Guid, PerformanceState> performances = new();
    readonly ConcurrentDictionary<Guid, Guid> performanceOfHold = new();

    sealed class PerformanceState
    {
        public readonly Lock Gate = new();
        public long Fence;
        public readonly Dictionary<Guid, Guid> SeatHolder = [];
        public readonly Dictionary<Guid, InventoryPool> Pools = [];
        public readonly Dictionary<string, int> StandingHeld = new(StringComparer.Ordinal);
        public readonly HashSet<Guid> Sold = [];
        public readonly Dictionary<string, int> StandingSold = new(StringComparer.Ordinal);
        public readonly Dictionary<Guid, int> Bought = [];
        public long SoldClock;
        /// <summary>The version of the latest sold update applied to each seat, section and buyer.</summary>
        public readonly Dictionary<string, long> SoldVersions = new(StringComparer.Ordinal);
        public readonly Dictionary<Guid, Hold> Holds = [];
        /// <summary>Places each buyer holds now: the limit check reads it instead of walking every live hold.</summary>
        public readonly Dictionary<Guid, int> HeldBy = [];
        public readonly PriorityQueue<Guid, DateTimeOffset> Expiries = new();
        public readonly Dictionary<(Guid Buyer, string Key), (Guid HoldId, string Hash, DateTimeOffset Until)> Keys = [];
        public readonly Queue<(Guid Buyer, string Key)> KeyOrder = new();
        /// <summary>Holds that expired since the live feed last asked.</summary>
        public readonly List<Hold> Expired = [];
    }

    /// <summary>Nobody may be asking (no page watches the performance): only the newest expiries are kept.</summary>
    const int ExpiredKept = 10_000;

    public Task InitializeAsync(Guid performanceId, IReadOnlyDictionary<Guid, InventoryPool> poolSeats, SoldState sold, CancellationToken ct)
    {
        performances.GetOrAdd(performanceId, _ =>
        {
            var state = new PerformanceState();
            foreach (var (seat, pool) in poolSeats) state.Pools[seat] = pool;
            Apply(state, sold);
            return state;
        });
        return Task.CompletedTask;
    }

    public Task SetSoldAsync(Guid performanceId, SoldState update, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate) Apply(state, update);
        return Task.CompletedTask;
    }

    public bool VersionsSoldUpdates => true;

    public Task<long> NextSoldVersionAsync(Guid performanceId, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate) return Task.FromResult(++state.SoldClock);
    }

    static void Apply(PerformanceState state, SoldState update)
    {
        // An item keeps the value of the highest version that named it; version 0 (loading) applies as it is.
        bool Current(string item)
        {
            if (update.Version == 0) return true;
            if (state.SoldVersions.TryGetValue(item, out var seen) && seen > update.Version) return false;
            state.SoldVersions[item] = update.Version;
            return true;
        }
        foreach (var seat in update.Unsold)
            if (Current($"seat:{seat:D}")) state.Sold.Remove(seat);
        foreach (var seat in update.Sold)
            if (Current($"seat:{seat:D}")) state.Sold.Add(seat);
        foreach (var (section, units) in update.StandingSold)
            if (Current($"section:{section}")) state.StandingSold[section] = Math.Max(0, units);
        foreach (var (buyer, places) in update.Bought)
        {
            if (!Current($"buyer:{buyer:D}")) continue;
            if (places > 0) state.Bought[buyer] = places;
            else state.Bought.Remove(buyer);
        }
    }

    static HashSet<Guid> Unavailable(PerformanceState state) => [.. state.SeatHolder.Keys, .. state.Sold];

    static int Taken(PerformanceState state, string section) =>
        state.StandingHeld.GetValueOrDefault(section) + state.StandingSold.GetValueOrDefault(section);

    PerformanceState State(Guid performanceId) =>
        performances.TryGetValue(performanceId, out var state) ? state : throw new PerformanceNotLoadedException(performanceId);

    public Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken ct)
    {
        var state = State(request.PerformanceId);
        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            Sweep(state, now);
            if (request.IdempotencyKey is { } key && Replay(state, request.BuyerId, key, request.RequestHash) is { } replayed)
                return Task.FromResult(replayed);

            var alreadyHeld = state.HeldBy.GetValueOrDefault(request.BuyerId) + state.Bought.GetValueOrDefault(request.BuyerId);
            if (alreadyHeld + request.Quantity > request.BuyerLimit)
                return Task.FromResult<HoldOutcome>(new HoldOutcome.OverLimit(request.BuyerLimit, alreadyHeld));

            if (request.Standing is { } standing)
            {
                var remaining = Math.Max(0, standing.Capacity - Taken(state, standing.Section));
                if (standing.Quantity > remaining) return Task.FromResult<HoldOutcome>(new HoldOutcome.NotEnoughLeft(remaining));
                state.StandingHeld[standing.Section] = state.StandingHeld.GetValueOrDefault(standing.Section) + standing.Quantity;
            }
            else
            {
                var taken = request.SeatIds.Where(s => state.SeatHolder.ContainsKey(s) || state.Pools.ContainsKey(s) || state.Sold.Contains(s)).ToList();
                if (taken.Count > 0) return Task.FromResult<HoldOutcome>(new HoldOutcome.SeatsTaken(taken));
                foreach (var seat in request.SeatIds) state.SeatHolder[seat] = request.HoldId;
            }

            var hold = new Hold(request.HoldId, request.PerformanceId, request.BuyerId, request.SeatIds, request.Standing?.Section,
                request.Quantity, ++state.Fence, now, now + request.Ttl, Extended: false, request.Ttl);
            state.Holds[hold.Id] = hold;
            state.HeldBy[hold.BuyerId] = state.HeldBy.GetValueOrDefault(hold.BuyerId) + hold.Quantity;
            state.Expiries.Enqueue(hold.Id, hold.ExpiresAt);
            performanceOfHold[hold.Id] = hold.PerformanceId;
            if (request.IdempotencyKey is { } newKey)
            {
                state.Keys[(request.BuyerId, newKey)] = (hold.Id, request.RequestHash, now + IdempotencyLifetime);
                state.KeyOrder.Enqueue((request.BuyerId, newKey));
            }
            return Task.FromResult<HoldOutcome>(new HoldOutcome.Placed(hold, Replayed: false));
        }
    }

    public Task<HoldOutcome?> ReplayAsync(Guid performanceId, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            return Task.FromResult(Replay(state, buyerId, idempotencyKey, requestHash));
        }
    }

    static HoldOutcome? Replay(PerformanceState state, Guid buyerId, string key, string requestHash)
    {
        if (!state.Keys.TryGetValue((buyerId, key), out var earlier)) return null;
        if (earlier.Hash != requestHash) return new HoldOutcome.KeyReused(HoldGone: false);
        return state.Holds.TryGetValue(earlier.HoldId, out var replay)
            ? new HoldOutcome.Placed(replay, Replayed: true)
            : new HoldOutcome.KeyReused(HoldGone: true);
    }

    public Task<Hold?> GetAsync(Guid holdId, CancellationToken ct)
    {
        if (!performanceOfHold.TryGetValue(holdId, out var performanceId) || !performances.TryGetValue(performanceId, out var state))
            return Task.FromResult<Hold?>(null);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            return Task.FromResult(state.Holds.GetValueOrDefault(holdId));
        }
    }

    public Task<Hold?> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        if (!performanceOfHold.TryGetValue(holdId, out var performanceId) || !performances.TryGetValue(performanceId, out var state))
            return Task.FromResult<Hold?>(null);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            if (!state.Holds.TryGetValue(holdId, out var hold) || hold.BuyerId != buyerId) return Task.FromResult<Hold?>(null);
            Remove(state, hold);
            return Task.FromResult<Hold?>(hold);
        }
    }

    public Task<ExtendOutcome> ExtendAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        if (!performanceOfHold.TryGetValue(holdId, out var performanceId) || !performances.TryGetValue(performanceId, out var state))
            return Task.FromResult<ExtendOutcome>(new ExtendOutcome.NotFound());
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            if (!state.Holds.TryGetValue(holdId, out var hold) || hold.BuyerId != buyerId)
                return Task.FromResult<ExtendOutcome>(new ExtendOutcome.NotFound());
            if (hold.Extended) return Task.FromResult<ExtendOutcome>(new ExtendOutcome.AlreadyExtended(hold));
            var extended = hold with { ExpiresAt = hold.ExpiresAt + hold.Ttl, Extended = true };
            state.Holds[holdId] = extended;
            // The old queue entry stays; the sweep compares it with the hold's current expiry.
            state.Expiries.Enqueue(holdId, extended.ExpiresAt);
            return Task.FromResult<ExtendOutcome>(new ExtendOutcome.Extended(extended));
        }
    }

    public Task<ClaimSnapshot> SnapshotAsync(Guid performanceId, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            return Task.FromResult(new ClaimSnapshot(
                Unavailable(state),
                new Dictionary<Guid, InventoryPool>(state.Pools),
                state.StandingHeld.Keys.Concat(state.StandingSold.Keys).Distinct(StringComparer.Ordinal)
                    .ToDictionary(s => s, s => Taken(state, s), StringComparer.Ordinal)));
        }
    }

    public Task<BlockOutcome> BlockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            var taken = seatIds.Where(s => state.SeatHolder.ContainsKey(s) || state.Sold.Contains(s) || (state.Pools.TryGetValue(s, out var other) && other != pool)).ToList();
            if (taken.Count > 0) return Task.FromResult<BlockOutcome>(new BlockOutcome.SeatsTaken(taken));
            foreach (var seat in seatIds) state.Pools[seat] = pool;
            return Task.FromResult<BlockOutcome>(new BlockOutcome.Blocked());
        }
    }

    public Task UnblockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate)
        {
            foreach (var seat in seatIds)
                if (state.Pools.TryGetValue(seat, out var current) && current == pool) state.Pools.Remove(seat);
        }
        return Task.CompletedTask;
    }

    public Task<ClaimSnapshot> ClaimsOfAsync(Guid performanceId, IReadOnlyCollection<Guid> seatIds, IReadOnlyCollection<string> sections, CancellationToken ct)
    {
        var state = State(performanceId);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            return Task.FromResult(new ClaimSnapshot(
                seatIds.Where(s => state.SeatHolder.ContainsKey(s) || state.Sold.Contains(s)).ToHashSet(),
                seatIds.Where(state.Pools.ContainsKey).ToDictionary(s => s, s => state.Pools[s]),
                sections.Distinct(StringComparer.Ordinal).ToDictionary(s => s, s => Taken(state, s), StringComparer.Ordinal)));
        }
    }

    public Task<ExpiredClaims> TakeExpiredAsync(Guid performanceId, CancellationToken ct)
    {
        if (!performances.TryGetValue(performanceId, out var state)) return Task.FromResult(ExpiredClaims.None);
        lock (state.Gate)
        {
            Sweep(state, clock.GetUtcNow());
            if (state.Expired.Count == 0) return Task.FromResult(ExpiredClaims.None);
            var taken = new ExpiredClaims(
                state.Expired.SelectMany(h => h.SeatIds).ToList(),
                state.Expired.Where(h => h.Section is not null).Select(h => h.Section!).ToList());
            state.Expired.Clear();
            return Task.FromResult(taken);
        }
    }

    void Sweep(PerformanceState state, DateTimeOffset now)
    {
        while (state.Expiries.TryPeek(out var holdId, out var expiresAt) && expiresAt <= now)
        {
            state.Expiries.Dequeue();
            // An extended hold left its first queue entry behind; only its current expiry counts.
            if (state.Holds.TryGetValue(holdId, out var hold) && hold.ExpiresAt <= now)
            {
                Remove(state, hold);
                state.Expired.Add(hold);
            }
        }
        if (state.Expired.Count > ExpiredKept) state.Expired.RemoveRange(0, state.Expired.Count - ExpiredKept);
        // Keys share one lifetime, so they expire in the order they were recorded.
        while (state.KeyOrder.TryPeek(out var key) && (!state.Keys.TryGetValue(key, out var entry) || entry.Until <= now))
        {
            state.KeyOrder.Dequeue();
            state.Keys.Remove(key);
        }
    }

    void Remove(PerformanceState state, Hold hold)
    {
        if (!state.Holds.Remove(hold.Id)) return;
        performanceOfHold.TryRemove(hold.Id, out _);
        var stillHeld = state.HeldBy.GetValueOrDefault(hold.BuyerId) - hold.Quantity;
        if (stillHeld > 0) state.HeldBy[hold.BuyerId] = stillHeld;
        else state.HeldBy.Remove(hold.BuyerId);
        foreach (var seat in hold.SeatIds)
            if (state.SeatHolder.TryGetValue(seat, out var holder) && holder == hold.Id) state.SeatHolder.Remove(seat);
        if (hold.Section is { } section)
            state.StandingHeld[section] = Math.Max(0, state.StandingHeld.GetValueOrDefault(section) - hold.Quantity);
    }
}
