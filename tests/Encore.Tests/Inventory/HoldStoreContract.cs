using Encore.Inventory;
using Encore.Inventory.Holds;
using Microsoft.EntityFrameworkCore;
using Encore.Inventory.Model;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Encore.Tests.Inventory;

/// <summary>
/// One suite, two hold stores: whatever the topology, holds behave the same. Each test works on a
/// performance of its own, so the Redis runs share one server without seeing each other.
/// </summary>
public abstract class HoldStoreContract
{
    static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    static readonly Dictionary<string, int> NoStanding = [];
    static readonly Dictionary<Guid, int> NoneBought = [];

    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    internal abstract IHoldStore CreateStore();

    /// <summary>Row A: ten ordinary seats. Row W: a wheelchair space, its companion seat, then six ordinary seats.</summary>
    internal sealed class Hall
    {
        public readonly Guid PerformanceId = Guid.CreateVersion7();
        public readonly IReadOnlyList<LayoutSeat> A;
        public readonly IReadOnlyList<LayoutSeat> W;
        public readonly PerformanceLayout Layout;

        public Hall(long priceA = 5000, long priceW = 3000)
        {
            A = Enumerable.Range(1, 10).Select(n => Seat("A", 1, n, priceA)).ToList();
            W = Enumerable.Range(1, 8).Select(n => Seat("W", 2, n, priceW, wheelchair: n == 1, companion: n == 2)).ToList();
            Layout = new PerformanceLayout
            {
                PerformanceId = PerformanceId,
                EventId = Guid.CreateVersion7(),
                OrganizerId = Guid.CreateVersion7(),
                Currency = "GBP",
                Published = true,
                Cancelled = false,
                MarkedSoldOut = false,
                StartsAt = DateTimeOffset.MaxValue,
                Windows = [(DateTimeOffset.MinValue, DateTimeOffset.MaxValue)],
                HoldTtl = Ttl,
                BuyerLimit = 8,
                Seats = A.Concat(W).ToDictionary(s => s.Id),
                Rows = [new LayoutRow("STALLS", "A", 1, A), new LayoutRow("STALLS", "W", 2, W)],
                Standing = new Dictionary<string, LayoutStanding> { ["FLOOR"] = new("FLOOR", "Floor", 5, 2000) },
                PoolSeats = new Dictionary<Guid, InventoryPool>(),
            };
        }

        static LayoutSeat Seat(string row, int rowOrder, int n, long price, bool wheelchair = false, bool companion = false) =>
            new(Guid.CreateVersion7(), "STALLS", row, rowOrder, n, n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                n * 10, rowOrder * 10, wheelchair, companion, false, n == 1 || n == 10, price);
    }

    async Task<(IHoldStore Store, Hall Hall)> ReadyAsync(IReadOnlyDictionary<Guid, InventoryPool>? pools = null)
    {
        var store = CreateStore();
        var hall = new Hall();
        await store.InitializeAsync(hall.PerformanceId, pools ?? new Dictionary<Guid, InventoryPool>(), SoldState.None, default);
        return (store, hall);
    }

    static HoldRequest Seats(Hall hall, Guid buyer, IEnumerable<LayoutSeat> seats, int limit = 8, string? key = null, string hash = "h") =>
        new(hall.PerformanceId, Guid.CreateVersion7(), buyer, seats.Select(s => s.Id).ToList(), null, Ttl, limit, key, hash);

    static HoldRequest Standing(Hall hall, Guid buyer, int quantity, int capacity = 5, int limit = 8) =>
        new(hall.PerformanceId, Guid.CreateVersion7(), buyer, [], new StandingRequest("FLOOR", quantity, capacity), Ttl, limit, null, "h");

    static Hold Placed(HoldOutcome outcome) => Assert.IsType<HoldOutcome.Placed>(outcome).Hold;

    /// <summary>Best available as the service runs it: snapshot, pick, claim.</summary>
    static async Task<IReadOnlyList<Guid>?> BestAsync(IHoldStore store, Hall hall, Guid buyer, BestAvailable.Criteria criteria)
    {
        var picked = BestAvailable.Pick(hall.Layout, await store.SnapshotAsync(hall.PerformanceId, default), criteria);
        if (picked is null) return null;
        return Placed(await store.HoldAsync(Seats(hall, buyer, picked.Select(id => hall.Layout.Seats[id])), default)).SeatIds;
    }

    [Fact]
    public async Task A_hold_takes_all_of_its_seats_or_none()
    {
        var (store, hall) = await ReadyAsync();
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[1], hall.A[2]]), default));

        var refused = Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[2], hall.A[3]]), default));
        Assert.Equal([hall.A[2].Id], refused.SeatIds);
        // The free seat of the refused request was not held either.
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[3]]), default));
        var claims = await store.SnapshotAsync(hall.PerformanceId, default);
        Assert.Equal(new[] { hall.A[1].Id, hall.A[2].Id, hall.A[3].Id }.Order(), claims.HeldSeats.Order());
    }

    [Fact]
    public async Task Many_buyers_racing_for_the_same_seats_leave_exactly_one_holder()
    {
        var (store, hall) = await ReadyAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[4], hall.A[5]]), default))));

        Assert.Single(outcomes.OfType<HoldOutcome.Placed>());
        Assert.Equal(49, outcomes.OfType<HoldOutcome.SeatsTaken>().Count());
    }

    [Fact]
    public async Task An_expired_hold_frees_its_seats_without_anyone_sweeping()
    {
        var (store, hall) = await ReadyAsync();
        var hold = Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0], hall.A[1]]), default));
        Assert.Equal(Clock.GetUtcNow() + Ttl, hold.ExpiresAt);

        Clock.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.GetAsync(hold.Id, default));
        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync(hold.Id, default));
        Assert.Empty((await store.SnapshotAsync(hall.PerformanceId, default)).HeldSeats);
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0], hall.A[1]]), default));
    }

    [Fact]
    public async Task A_holder_extends_once_by_the_hold_length_and_only_their_own_hold()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var hold = Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]]), default));

        Assert.IsType<ExtendOutcome.NotFound>(await store.ExtendAsync(hold.Id, Guid.NewGuid(), default));
        var extended = Assert.IsType<ExtendOutcome.Extended>(await store.ExtendAsync(hold.Id, buyer, default)).Hold;
        Assert.Equal(hold.ExpiresAt + Ttl, extended.ExpiresAt);
        Assert.True(extended.Extended);
        Assert.IsType<ExtendOutcome.AlreadyExtended>(await store.ExtendAsync(hold.Id, buyer, default));

        Clock.Advance(Ttl + TimeSpan.FromMinutes(1));
        Assert.NotNull(await store.GetAsync(hold.Id, default));
        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
        Clock.Advance(Ttl);
        Assert.Null(await store.GetAsync(hold.Id, default));
        Assert.IsType<ExtendOutcome.NotFound>(await store.ExtendAsync(hold.Id, buyer, default));
    }

    [Fact]
    public async Task Cancelling_frees_the_seats_and_only_the_holder_may_cancel()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var hold = Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]]), default));

        Assert.Null(await store.ReleaseAsync(hold.Id, Guid.NewGuid(), default));
        // The release answers what was held, so the live feed can tell watchers without reading it first.
        var released = await store.ReleaseAsync(hold.Id, buyer, default);
        Assert.NotNull(released);
        Assert.Equal((hold.Id, hall.A[0].Id, hold.PerformanceId), (released.Id, Assert.Single(released.SeatIds), released.PerformanceId));
        Assert.Null(await store.ReleaseAsync(hold.Id, buyer, default));
        Assert.Null(await store.GetAsync(hold.Id, default));
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
    }

    [Fact]
    public async Task General_admission_never_goes_below_zero_under_a_crowd()
    {
        var (store, hall) = await ReadyAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(() => store.HoldAsync(Standing(hall, Guid.NewGuid(), 1), default))));

        Assert.Equal(5, outcomes.OfType<HoldOutcome.Placed>().Count());
        Assert.All(outcomes.OfType<HoldOutcome.NotEnoughLeft>(), o => Assert.Equal(0, o.Remaining));
        Assert.Equal(5, (await store.SnapshotAsync(hall.PerformanceId, default)).StandingHeld["FLOOR"]);

        var refused = Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 2), default));
        Assert.Equal(0, refused.Remaining);
        var first = outcomes.OfType<HoldOutcome.Placed>().First().Hold;
        Assert.NotNull(await store.ReleaseAsync(first.Id, first.BuyerId, default));
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 1), default));
    }

    [Fact]
    public async Task Fencing_tokens_increase_with_every_hold_of_a_performance()
    {
        var (store, hall) = await ReadyAsync();
        var tokens = new List<long>();
        foreach (var seat in hall.A.Take(5))
            tokens.Add(Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [seat]), default)).FencingToken);
        tokens.Add(Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 1), default)).FencingToken);

        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public async Task A_buyer_limit_counts_every_live_hold_of_that_buyer()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var first = Placed(await store.HoldAsync(Seats(hall, buyer, hall.A.Take(3), limit: 4), default));

        var over = Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Standing(hall, buyer, 2, limit: 4), default));
        Assert.Equal((4, 3), (over.Limit, over.AlreadyHeld));
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 2, limit: 4), default));
        Placed(await store.HoldAsync(Standing(hall, buyer, 1, limit: 4), default));

        Assert.NotNull(await store.ReleaseAsync(first.Id, buyer, default));
        Placed(await store.HoldAsync(Seats(hall, buyer, hall.A.Skip(5).Take(3), limit: 4), default));

        // Holds that ran out count no more.
        Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]], limit: 4), default));
        Clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        Placed(await store.HoldAsync(Seats(hall, buyer, hall.A.Take(4), limit: 4), default));
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_gets_the_same_hold()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var first = Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]], key: "k1", hash: "same"), default));

        var again = Assert.IsType<HoldOutcome.Placed>(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]], key: "k1", hash: "same"), default));
        Assert.True(again.Replayed);
        Assert.Equal(first.Id, again.Hold.Id);
        Assert.Equal(first.FencingToken, again.Hold.FencingToken);
        Assert.False(Assert.IsType<HoldOutcome.KeyReused>(await store.HoldAsync(Seats(hall, buyer, [hall.A[1]], key: "k1", hash: "other"), default)).HoldGone);
        // Another buyer's key of the same name is another key.
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[1]], key: "k1", hash: "same"), default));

        Assert.NotNull(await store.ReleaseAsync(first.Id, buyer, default));
        Assert.True(Assert.IsType<HoldOutcome.KeyReused>(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]], key: "k1", hash: "same"), default)).HoldGone);
    }

    [Fact]
    public async Task A_retry_finds_the_hold_its_key_placed_without_placing_anything()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        Assert.Null(await store.ReplayAsync(hall.PerformanceId, buyer, "k1", "same", default));
        Assert.Empty((await store.SnapshotAsync(hall.PerformanceId, default)).HeldSeats);

        var first = Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]], key: "k1", hash: "same"), default));
        var again = Assert.IsType<HoldOutcome.Placed>(await store.ReplayAsync(hall.PerformanceId, buyer, "k1", "same", default));
        Assert.True(again.Replayed);
        Assert.Equal((first.Id, first.FencingToken, first.ExpiresAt), (again.Hold.Id, again.Hold.FencingToken, again.Hold.ExpiresAt));
        Assert.False(Assert.IsType<HoldOutcome.KeyReused>(await store.ReplayAsync(hall.PerformanceId, buyer, "k1", "other", default)).HoldGone);
        Assert.Null(await store.ReplayAsync(hall.PerformanceId, Guid.NewGuid(), "k1", "same", default));
        Assert.Equal([hall.A[0].Id], (await store.SnapshotAsync(hall.PerformanceId, default)).HeldSeats);

        Assert.NotNull(await store.ReleaseAsync(first.Id, buyer, default));
        Assert.True(Assert.IsType<HoldOutcome.KeyReused>(await store.ReplayAsync(hall.PerformanceId, buyer, "k1", "same", default)).HoldGone);
    }

    [Fact]
    public async Task Best_available_holds_adjacent_seats_in_one_row_and_never_strands_a_single_seat()
    {
        var (store, hall) = await ReadyAsync();
        // A4 taken: A1-A3 and A5-A10 are free.
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[3]]), default));

        for (var round = 0; round < 3; round++)
        {
            var picked = await BestAsync(store, hall, Guid.NewGuid(), new(2, null, false));
            Assert.NotNull(picked);
            var seats = picked.Select(id => hall.Layout.Seats[id]).OrderBy(s => s.Order).ToList();
            Assert.Single(seats.Select(s => s.Row).Distinct());
            Assert.Equal(seats[0].Order + 1, seats[1].Order);
            AssertNoSingleStranded(hall.A, await store.SnapshotAsync(hall.PerformanceId, default));
        }

        // What is left in row A is A1-A3 or an odd stretch; a pair there would strand one seat, so row W is next, never its wheelchair places.
        var claims = await store.SnapshotAsync(hall.PerformanceId, default);
        Assert.DoesNotContain(hall.W[0].Id, claims.HeldSeats);
        Assert.DoesNotContain(hall.W[1].Id, claims.HeldSeats);
    }

    static void AssertNoSingleStranded(IReadOnlyList<LayoutSeat> row, ClaimSnapshot claims)
    {
        for (var i = 0; i < row.Count; i++)
        {
            var free = !claims.IsClaimed(row[i].Id);
            var leftClosed = i == 0 || claims.IsClaimed(row[i - 1].Id);
            var rightClosed = i == row.Count - 1 || claims.IsClaimed(row[i + 1].Id);
            Assert.False(free && leftClosed && rightClosed, $"Seat {row[i].Label} is a single free seat stranded between claims.");
        }
    }

    [Fact]
    public async Task Best_available_respects_the_price_limit()
    {
        var (store, hall) = await ReadyAsync();
        var cheap = await BestAsync(store, hall, Guid.NewGuid(), new(2, 3000, false));
        Assert.NotNull(cheap);
        Assert.All(cheap, id => Assert.Equal("W", hall.Layout.Seats[id].Row));
        Assert.Null(BestAvailable.Pick(hall.Layout, await store.SnapshotAsync(hall.PerformanceId, default), new(2, 1000, false)));
    }

    [Fact]
    public async Task An_accessible_request_gets_a_wheelchair_space_with_its_companion_seat()
    {
        var (store, hall) = await ReadyAsync();
        var picked = await BestAsync(store, hall, Guid.NewGuid(), new(2, null, true));

        Assert.NotNull(picked);
        Assert.Equal(new[] { hall.W[0].Id, hall.W[1].Id }.Order(), picked.Order());
        // Once taken, no other accessible pair exists.
        Assert.Null(BestAvailable.Pick(hall.Layout, await store.SnapshotAsync(hall.PerformanceId, default), new(2, null, true)));
    }

    [Fact]
    public async Task Pool_seats_are_outside_public_sale_until_released()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var held = Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]]), default));

        Assert.IsType<BlockOutcome.SeatsTaken>(await store.BlockAsync(hall.PerformanceId, InventoryPool.BoxOffice, [hall.A[0].Id, hall.A[1].Id], default));
        Assert.IsType<BlockOutcome.Blocked>(await store.BlockAsync(hall.PerformanceId, InventoryPool.BoxOffice, [hall.A[1].Id, hall.A[2].Id], default));
        Assert.IsType<BlockOutcome.SeatsTaken>(await store.BlockAsync(hall.PerformanceId, InventoryPool.Artist, [hall.A[2].Id], default));

        var refused = Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[2], hall.A[3]]), default));
        Assert.Equal([hall.A[2].Id], refused.SeatIds);
        var claims = await store.SnapshotAsync(hall.PerformanceId, default);
        Assert.Equal(InventoryPool.BoxOffice, claims.PoolSeats[hall.A[1].Id]);
        Assert.Contains(held.SeatIds[0], claims.HeldSeats);

        // Releasing into the wrong pool changes nothing; the right one frees the seat for buyers.
        await store.UnblockAsync(hall.PerformanceId, InventoryPool.Artist, [hall.A[2].Id], default);
        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[2]]), default));
        await store.UnblockAsync(hall.PerformanceId, InventoryPool.BoxOffice, [hall.A[2].Id], default);
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[2]]), default));
    }

    [Fact]
    public async Task Pools_recorded_in_the_database_are_loaded_with_the_performance()
    {
        var store = CreateStore();
        var hall = new Hall();
        await store.InitializeAsync(hall.PerformanceId, new Dictionary<Guid, InventoryPool> { [hall.A[0].Id] = InventoryPool.Accessibility }, SoldState.None, default);
        // A second load (another instance, or a stale cache) does not undo what happened since.
        await store.InitializeAsync(hall.PerformanceId, new Dictionary<Guid, InventoryPool>(), SoldState.None, default);

        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
        Assert.Equal(InventoryPool.Accessibility, (await store.SnapshotAsync(hall.PerformanceId, default)).PoolSeats[hall.A[0].Id]);
    }

    [Fact]
    public async Task Expired_holds_are_handed_to_the_live_feed_once_whichever_operation_swept_them()
    {
        var (store, hall) = await ReadyAsync();
        var seats = Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), hall.A.Take(2)), default));
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 2), default));
        var kept = Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[5]]), default));
        Assert.True((await store.ExtendAsync(kept.Id, kept.BuyerId, default)) is ExtendOutcome.Extended);
        Assert.True((await store.TakeExpiredAsync(hall.PerformanceId, default)).IsEmpty);

        Clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        // Another operation's sweep releases them first; the feed still learns of them.
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));

        var expired = await store.TakeExpiredAsync(hall.PerformanceId, default);
        Assert.Equal(seats.SeatIds.Order(), expired.SeatIds.Order());
        Assert.Equal(["FLOOR"], expired.Sections);
        Assert.True((await store.TakeExpiredAsync(hall.PerformanceId, default)).IsEmpty);
        Assert.True((await store.TakeExpiredAsync(Guid.CreateVersion7(), default)).IsEmpty);
    }

    [Fact]
    public async Task The_claims_of_some_seats_and_sections_are_read_as_they_are_now()
    {
        var (store, hall) = await ReadyAsync();
        var hold = Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[1]]), default));
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 3), default));
        Assert.IsType<BlockOutcome.Blocked>(await store.BlockAsync(hall.PerformanceId, InventoryPool.BoxOffice, [hall.A[2].Id], default));

        var claims = await store.ClaimsOfAsync(hall.PerformanceId, [hall.A[1].Id, hall.A[2].Id, hall.A[3].Id], ["FLOOR"], default);
        Assert.Equal([hall.A[1].Id], claims.HeldSeats);
        Assert.Equal(InventoryPool.BoxOffice, Assert.Single(claims.PoolSeats).Value);
        Assert.Equal(3, claims.StandingHeld["FLOOR"]);

        Clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        claims = await store.ClaimsOfAsync(hall.PerformanceId, [hall.A[1].Id], ["FLOOR"], default);
        Assert.Empty(claims.HeldSeats);
        Assert.Equal(0, claims.StandingHeld["FLOOR"]);
        Assert.Null(await store.GetAsync(hold.Id, default));
    }

    [Fact]
    public async Task A_sold_seat_is_never_held_or_blocked_again_until_a_refund_puts_it_back()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var hold = Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[0], hall.A[1]]), default));
        // Checkout sold the hold's seats and released the hold.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([hall.A[0].Id, hall.A[1].Id], [], NoStanding, NoneBought), default);
        Assert.NotNull(await store.ReleaseAsync(hold.Id, buyer, default));

        var refused = Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[1], hall.A[2]]), default));
        Assert.Equal([hall.A[1].Id], refused.SeatIds);
        Assert.IsType<BlockOutcome.SeatsTaken>(await store.BlockAsync(hall.PerformanceId, InventoryPool.BoxOffice, [hall.A[0].Id], default));
        var claims = await store.SnapshotAsync(hall.PerformanceId, default);
        Assert.Contains(hall.A[0].Id, claims.HeldSeats);
        Assert.Contains(hall.A[1].Id, claims.HeldSeats);
        Assert.Equal([hall.A[0].Id], (await store.ClaimsOfAsync(hall.PerformanceId, [hall.A[0].Id, hall.A[3].Id], [], default)).HeldSeats);
        // Best available steps around sold seats.
        var best = await BestAsync(store, hall, Guid.NewGuid(), new BestAvailable.Criteria(2, null, false));
        Assert.DoesNotContain(hall.A[0].Id, best!);
        Assert.DoesNotContain(hall.A[1].Id, best!);

        // The same update again changes nothing; a refund puts one seat back on sale.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([hall.A[0].Id, hall.A[1].Id], [], NoStanding, NoneBought), default);
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [hall.A[1].Id], NoStanding, NoneBought), default);
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[1]]), default));
        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
    }

    [Fact]
    public async Task A_paid_holds_standing_places_go_from_held_to_sold_without_looking_free()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        var hold = Placed(await store.HoldAsync(Standing(hall, buyer, 3), default));
        // The inventory handling OrderPaid: the places are marked sold first, then the hold lets go.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [], new Dictionary<string, int> { ["FLOOR"] = 3 }, NoneBought), default);
        Assert.Equal(0, Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 1), default)).Remaining);
        Assert.NotNull(await store.ReleaseAsync(hold.Id, buyer, default));
        Assert.Equal(2, Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 3), default)).Remaining);
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 2), default));
    }

    [Fact]
    public async Task Sold_standing_places_count_against_the_capacity()
    {
        var (store, hall) = await ReadyAsync();
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [], new Dictionary<string, int> { ["FLOOR"] = 3 }, NoneBought), default);
        var refused = Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 3), default));
        Assert.Equal(2, refused.Remaining);
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 2), default));
        Assert.Equal(5, (await store.SnapshotAsync(hall.PerformanceId, default)).StandingHeld["FLOOR"]);
        Assert.Equal(5, (await store.ClaimsOfAsync(hall.PerformanceId, [], ["FLOOR"], default)).StandingHeld["FLOOR"]);

        // Absolute: telling the store the total again does not count it twice; a refund lowers it.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [], new Dictionary<string, int> { ["FLOOR"] = 3 }, NoneBought), default);
        Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 1), default));
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [], new Dictionary<string, int> { ["FLOOR"] = 2 }, NoneBought), default);
        Placed(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 1), default));
    }

    [Fact]
    public async Task What_was_sold_is_loaded_with_the_performance()
    {
        var store = CreateStore();
        var hall = new Hall();
        await store.InitializeAsync(hall.PerformanceId, new Dictionary<Guid, InventoryPool>(),
            new SoldState([hall.A[4].Id], [], new Dictionary<string, int> { ["FLOOR"] = 4 }, NoneBought), default);

        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[4]]), default));
        Assert.Equal(1, Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, Guid.NewGuid(), 2), default)).Remaining);
    }

    [Fact]
    public async Task Places_a_buyer_bought_count_toward_their_limit_until_a_refund_frees_them()
    {
        var (store, hall) = await ReadyAsync();
        var buyer = Guid.NewGuid();
        // The buyer bought two seats; the limit (4) stays the whole limit, the store counts the purchase.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([hall.A[0].Id, hall.A[1].Id], [], NoStanding, new Dictionary<Guid, int> { [buyer] = 2 }), default);

        var over = Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Seats(hall, buyer, hall.A.Skip(2).Take(3), limit: 4), default));
        Assert.Equal((4, 2), (over.Limit, over.AlreadyHeld));
        Placed(await store.HoldAsync(Seats(hall, buyer, hall.A.Skip(2).Take(2), limit: 4), default));
        over = Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Standing(hall, buyer, 1, limit: 4), default));
        Assert.Equal((4, 4), (over.Limit, over.AlreadyHeld));
        // Another buyer is not affected by what this one bought.
        Placed(await store.HoldAsync(Seats(hall, Guid.NewGuid(), hall.A.Skip(4).Take(4), limit: 4), default));

        // Absolute: the same total again counts nothing twice; a refund of one seat frees one place, of both, two.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([hall.A[0].Id, hall.A[1].Id], [], NoStanding, new Dictionary<Guid, int> { [buyer] = 2 }), default);
        Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Standing(hall, buyer, 1, limit: 4), default));
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [hall.A[1].Id], NoStanding, new Dictionary<Guid, int> { [buyer] = 1 }), default);
        Placed(await store.HoldAsync(Standing(hall, buyer, 1, limit: 4), default));
        Assert.Equal(4, Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Standing(hall, buyer, 1, limit: 4), default)).AlreadyHeld);
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [hall.A[0].Id], NoStanding, new Dictionary<Guid, int> { [buyer] = 0 }), default);
        Placed(await store.HoldAsync(Standing(hall, buyer, 1, limit: 4), default));
        Assert.Equal(4, Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Seats(hall, buyer, [hall.A[0]], limit: 4), default)).AlreadyHeld);
    }

    [Fact]
    public async Task Places_bought_are_loaded_with_the_performance()
    {
        // A store that lost its state (or never had it) is loaded with every buyer's purchases.
        var store = CreateStore();
        var hall = new Hall();
        var (buyer, other) = (Guid.NewGuid(), Guid.NewGuid());
        await store.InitializeAsync(hall.PerformanceId, new Dictionary<Guid, InventoryPool>(),
            new SoldState([hall.A[0].Id, hall.A[1].Id, hall.A[2].Id], [], new Dictionary<string, int> { ["FLOOR"] = 1 },
                new Dictionary<Guid, int> { [buyer] = 3, [other] = 1 }), default);

        Assert.Equal(3, Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Seats(hall, buyer, hall.A.Skip(3).Take(2), limit: 4), default)).AlreadyHeld);
        Placed(await store.HoldAsync(Seats(hall, buyer, [hall.A[3]], limit: 4), default));
        Assert.Equal(1, Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Standing(hall, other, 4, limit: 4), default)).AlreadyHeld);
        Placed(await store.HoldAsync(Standing(hall, other, 3, limit: 4), default));
    }

    [Fact]
    public async Task A_performance_the_store_never_loaded_asks_to_be_loaded()
    {
        var store = CreateStore();
        var hall = new Hall();
        await Assert.ThrowsAsync<PerformanceNotLoadedException>(() => store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
        await Assert.ThrowsAsync<PerformanceNotLoadedException>(() => store.SnapshotAsync(hall.PerformanceId, default));
        await Assert.ThrowsAsync<PerformanceNotLoadedException>(() => store.SetSoldAsync(hall.PerformanceId, SoldState.None, default));
    }
}

/// <summary>
/// The stores that order sold updates themselves: instances count what sold without a lock between
/// them, so an update counted earlier may arrive after one counted later, and must not undo it.
/// </summary>
public abstract class SoldUpdateOrderContract
{
    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    internal abstract IHoldStore CreateStore();

    static HoldRequest Seats(HoldStoreContract.Hall hall, Guid buyer, IEnumerable<LayoutSeat> seats, int limit = 8) =>
        new(hall.PerformanceId, Guid.CreateVersion7(), buyer, seats.Select(s => s.Id).ToList(), null, TimeSpan.FromMinutes(10), limit, null, "h");

    static HoldRequest Standing(HoldStoreContract.Hall hall, int quantity) =>
        new(hall.PerformanceId, Guid.CreateVersion7(), Guid.NewGuid(), [], new StandingRequest("FLOOR", quantity, 5), TimeSpan.FromMinutes(10), 8, null, "h");

    [Fact]
    public async Task An_update_counted_earlier_but_arriving_later_changes_only_what_no_later_one_named()
    {
        var store = CreateStore();
        var hall = new HoldStoreContract.Hall();
        await store.InitializeAsync(hall.PerformanceId, new Dictionary<Guid, InventoryPool>(), SoldState.None, default);
        Assert.True(store.VersionsSoldUpdates);
        var buyer = Guid.NewGuid();
        var earlier = await store.NextSoldVersionAsync(hall.PerformanceId, default);
        var later = await store.NextSoldVersionAsync(hall.PerformanceId, default);
        Assert.True(later > earlier);

        // Counted after a sale committed: seat A1 sold, 3 standing places sold, the buyer bought 3. It arrives first.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([hall.A[0].Id], [], new Dictionary<string, int> { ["FLOOR"] = 3 },
            new Dictionary<Guid, int> { [buyer] = 3 }) { Version = later }, default);
        // Counted before that sale was visible, arriving last: it knew nothing of it, but of seat A3 it knew a sale.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([hall.A[2].Id], [hall.A[0].Id], new Dictionary<string, int> { ["FLOOR"] = 0 },
            new Dictionary<Guid, int> { [buyer] = 0 }) { Version = earlier }, default);

        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
        Assert.IsType<HoldOutcome.SeatsTaken>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[2]]), default));
        Assert.Equal(2, Assert.IsType<HoldOutcome.NotEnoughLeft>(await store.HoldAsync(Standing(hall, 3), default)).Remaining);
        Assert.Equal(3, Assert.IsType<HoldOutcome.OverLimit>(await store.HoldAsync(Seats(hall, buyer, hall.A.Skip(4).Take(2), limit: 4), default)).AlreadyHeld);

        // A refund counted later still puts the seat back and lowers the counts.
        await store.SetSoldAsync(hall.PerformanceId, new SoldState([], [hall.A[0].Id], new Dictionary<string, int> { ["FLOOR"] = 1 },
            new Dictionary<Guid, int> { [buyer] = 1 }) { Version = await store.NextSoldVersionAsync(hall.PerformanceId, default) }, default);
        Assert.IsType<HoldOutcome.Placed>(await store.HoldAsync(Seats(hall, Guid.NewGuid(), [hall.A[0]]), default));
        Assert.IsType<HoldOutcome.Placed>(await store.HoldAsync(Standing(hall, 4), default));
        Assert.IsType<HoldOutcome.Placed>(await store.HoldAsync(Seats(hall, buyer, hall.A.Skip(4).Take(3), limit: 4), default));
    }

    [Fact]
    public async Task A_performance_the_store_never_loaded_asks_to_be_loaded_before_it_hands_out_versions()
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<PerformanceNotLoadedException>(() => store.NextSoldVersionAsync(Guid.CreateVersion7(), default));
    }
}

public sealed class InProcessHoldStoreTests : HoldStoreContract
{
    internal override IHoldStore CreateStore() => new InProcessHoldStore(Clock);
}

public sealed class InProcessSoldUpdateOrderTests : SoldUpdateOrderContract
{
    internal override IHoldStore CreateStore() => new InProcessHoldStore(Clock);
}

public sealed class RedisHoldStoreTests : HoldStoreContract
{
    internal static readonly Lazy<ConnectionMultiplexer> Redis = new(() => ConnectionMultiplexer.Connect(TestServers.Redis));

    internal override IHoldStore CreateStore() => new RedisHoldStore(Redis.Value, Clock);
}

public sealed class RedisSoldUpdateOrderTests : SoldUpdateOrderContract
{
    internal override IHoldStore CreateStore() => new RedisHoldStore(RedisHoldStoreTests.Redis.Value, Clock);

    [Fact]
    public async Task Versions_keep_rising_across_instances_and_after_the_store_lost_its_clock()
    {
        var (first, second) = (CreateStore(), CreateStore());
        var hall = new HoldStoreContract.Hall();
        await first.InitializeAsync(hall.PerformanceId, new Dictionary<Guid, InventoryPool>(), SoldState.None, default);
        var one = await first.NextSoldVersionAsync(hall.PerformanceId, default);
        var two = await second.NextSoldVersionAsync(hall.PerformanceId, default);
        Assert.True(two > one);

        // The clock's key is gone (a restart without persistence that kept the rest): the next version is still higher.
        await RedisHoldStoreTests.Redis.Value.GetDatabase().KeyDeleteAsync($"enc:inv:{{perf:{hall.PerformanceId:D}}}:soldclock");
        Assert.True(await first.NextSoldVersionAsync(hall.PerformanceId, default) > two);
    }
}

/// <summary>The design Hi.Events uses (holds as rows behind a per-performance advisory lock), on the same contract.</summary>
public sealed class AdvisoryLockHoldStoreTests : HoldStoreContract
{
    static readonly Lazy<Npgsql.NpgsqlDataSource> Database = new(() =>
    {
        var connectionString = TestServers.NewPostgresDatabase("inv_lock");
        var options = (Microsoft.EntityFrameworkCore.DbContextOptions<PostgresInventoryDbContext>)Encore.BuildingBlocks.Persistence.ModuleDbContexts
            .ConfigurePostgres(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<PostgresInventoryDbContext>(), connectionString, InventoryDbContext.Schema).Options;
        using (var db = new PostgresInventoryDbContext(options)) db.Database.Migrate();
        // Racers wait for the lock holding a connection each; a bounded pool keeps the contract's crowds
        // from taking the shared test server's connections from the tests running beside them.
        return AdvisoryLockHoldStore.DataSource(connectionString + ";Maximum Pool Size=30");
    });

    internal override IHoldStore CreateStore() => new AdvisoryLockHoldStore(Database.Value, Clock);
}
