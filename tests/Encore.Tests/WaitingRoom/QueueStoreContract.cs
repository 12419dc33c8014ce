using System.Security.Cryptography;
using System.Text;
using Encore.Tests.Infrastructure;
using Encore.WaitingRoom;
using Encore.WaitingRoom.Queue;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Encore.Tests.WaitingRoom;

/// <summary>
/// One suite, two queue stores: whatever the topology, the line behaves the same. Each test uses a
/// queue of its own, so the Redis runs share one server without seeing each other.
/// </summary>
public abstract class QueueStoreContract
{
    const long Tick = 1000;
    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    internal abstract IQueueStore CreateStore();
    long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();
    readonly Guid queue = Guid.CreateVersion7();

    /// <summary>Pre-queue open now, start in ten minutes.</summary>
    QueueRules Rules(QueueMode mode = QueueMode.Pace, int perMinute = 60, int maxActive = 0, int maxSize = 100_000, int checkInSeconds = 120, int tokenMinutes = 10) =>
        new(Now + 600_000, Now, mode, perMinute, maxActive, tokenMinutes * 60_000L, maxSize, checkInSeconds * 1000L);

    static Guid[] Accounts(int n) => Enumerable.Range(0, n).Select(_ => Guid.NewGuid()).ToArray();

    async Task<QueueEntry> JoinAsync(IQueueStore store, QueueRules rules, Guid account, bool held = false) =>
        Assert.IsType<JoinOutcome.Joined>(await store.JoinAsync(queue, rules, account, held, Now)).Entry;

    /// <summary>Moves to the start, seals, stores the draw with this seed; returns the pre-queue size.</summary>
    async Task<long> StartAsync(IQueueStore store, QueueRules rules, byte[] seed)
    {
        Clock.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(rules.StartsAtMs));
        var seal = await store.SealAsync(queue, rules.StartsAtMs, Now);
        Assert.True(seal.Sealed);
        if (!seal.Ordered) await store.SetOrderAsync(queue, FairDraw.Numbers(seed, (int)seal.PreQueue));
        Assert.True((await store.SealAsync(queue, rules.StartsAtMs, Now)).Ordered);
        return seal.PreQueue;
    }

    async Task<AdvanceResult> TickAsync(IQueueStore store, QueueRules rules)
    {
        Clock.Advance(TimeSpan.FromMilliseconds(Tick));
        return await store.AdvanceAsync(queue, rules, Now, Tick, 5000);
    }

    async Task CheckInAllAsync(IQueueStore store, IEnumerable<Guid> accounts)
    {
        foreach (var account in accounts) Assert.NotNull(await store.CheckInAsync(queue, account, false, true, Now));
    }

    [Fact]
    public async Task One_place_per_account_whatever_the_tabs_and_devices()
    {
        var store = CreateStore();
        var rules = Rules();
        var fan = Guid.NewGuid();
        var tabs = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => store.JoinAsync(queue, rules, fan, false, Now)));
        var joined = tabs.Cast<JoinOutcome.Joined>().ToList();
        Assert.Single(joined, j => j.New);
        Assert.Single(joined.Select(j => j.Entry.Slot).Distinct());

        var crowd = Accounts(200);
        var places = await Task.WhenAll(crowd.Select(a => store.JoinAsync(queue, rules, a, false, Now)));
        var slots = places.Cast<JoinOutcome.Joined>().Select(j => j.Entry.Slot).ToList();
        Assert.Equal(Enumerable.Range(2, 200).Select(i => (long)i), slots.Order());
        Assert.Equal(201, (await store.CountersAsync(queue, Now)).Waiting);
    }

    [Fact]
    public async Task Arrivals_before_the_start_are_drawn_from_the_seed_and_later_ones_queue_in_order()
    {
        var store = CreateStore();
        var rules = Rules();
        var early = Accounts(40);
        foreach (var account in early)
        {
            var entry = await JoinAsync(store, rules, account);
            Assert.Null(entry.Number);
            Assert.True(entry.PreQueue);
        }
        var seed = FairDraw.NewSeed();
        Assert.Equal(40, await StartAsync(store, rules, seed));

        var numbers = new long[40];
        for (var i = 0; i < early.Length; i++)
        {
            var entry = (await store.CheckInAsync(queue, early[i], false, false, Now))!;
            Assert.Equal(i + 1, entry.Slot);
            numbers[i] = entry.Number!.Value;
        }
        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), numbers.Order());
        Assert.NotEqual(Enumerable.Range(1, 40).Select(n => (long)n), numbers); // 1 in 40! that the draw is the arrival order
        Assert.Equal(Verify(seed, 40), numbers.Select((n, i) => (n, i + 1)).OrderBy(x => x.n).Select(x => x.Item2));

        var late = Accounts(5);
        var lateNumbers = new List<long>();
        foreach (var account in late)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            var entry = await JoinAsync(store, rules, account);
            Assert.False(entry.PreQueue);
            lateNumbers.Add(entry.Number!.Value);
        }
        Assert.Equal([41, 42, 43, 44, 45], lateNumbers);
    }

    /// <summary>The published algorithm, written from its description: what any buyer can run.</summary>
    static IEnumerable<int> Verify(byte[] seed, int count) => Enumerable.Range(1, count)
        .Select(i => (Id: i, Key: HMACSHA256.HashData(seed, Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
        .OrderBy(x => Convert.ToHexString(x.Key), StringComparer.Ordinal)
        .Select(x => x.Id);

    [Fact]
    public void The_commitment_is_the_seed_s_hash()
    {
        var seed = FairDraw.NewSeed();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(seed)), FairDraw.Commitment(seed));
        Assert.Equal(Verify(seed, 500), FairDraw.Order(seed, 500));
        Assert.NotEqual(FairDraw.Order(seed, 500), FairDraw.Order(FairDraw.NewSeed(), 500));
    }

    [Fact]
    public async Task The_counter_admits_at_the_pace()
    {
        var store = CreateStore();
        var rules = Rules(perMinute: 90);
        var crowd = Accounts(300);
        foreach (var account in crowd) await JoinAsync(store, rules, account);
        await StartAsync(store, rules, FairDraw.NewSeed());
        await CheckInAllAsync(store, crowd);

        var admitted = 0;
        for (var second = 1; second <= 60; second++)
        {
            var result = await TickAsync(store, rules);
            Assert.True(result.Ran);
            admitted += result.Admitted;
            if (second % 30 == 0) await CheckInAllAsync(store, crowd);
        }
        Assert.InRange(admitted, 89, 90);
        var counters = await store.CountersAsync(queue, Now);
        Assert.Equal(admitted, counters.AdmittedTotal);
        Assert.Equal(admitted, counters.Serving);
        Assert.Equal(admitted, counters.Active);
        Assert.Equal(300 - admitted, counters.Waiting);

        // Exactly the first numbers are admitted, in order.
        var states = new List<(long Number, EntryState State)>();
        foreach (var account in crowd)
        {
            var e = (await store.CheckInAsync(queue, account, false, false, Now))!;
            states.Add((e.Number!.Value, e.State));
        }
        Assert.All(states, s => Assert.Equal(s.Number <= admitted ? EntryState.Admitted : EntryState.Waiting, s.State));
    }

    [Fact]
    public async Task At_most_one_advance_per_tick_whoever_calls()
    {
        var store = CreateStore();
        var rules = Rules(perMinute: 600);
        var crowd = Accounts(50);
        foreach (var account in crowd) await JoinAsync(store, rules, account);
        await StartAsync(store, rules, FairDraw.NewSeed());
        await CheckInAllAsync(store, crowd);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var calls = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.AdvanceAsync(queue, rules, Now, Tick, 5000)));
        Assert.Single(calls, c => c.Ran);
        Assert.Equal(10, calls.Single(c => c.Ran).Admitted);
        Assert.Equal(10, (await store.CountersAsync(queue, Now)).Serving);
    }

    [Fact]
    public async Task Places_whose_client_stopped_checking_in_are_skipped_and_the_line_moves_on()
    {
        var store = CreateStore();
        var rules = Rules(perMinute: 600, checkInSeconds: 60);
        var crowd = Accounts(6);
        foreach (var account in crowd) await JoinAsync(store, rules, account);
        await StartAsync(store, rules, FairDraw.NewSeed());
        var byNumber = new SortedDictionary<long, Guid>();
        foreach (var account in crowd) byNumber[(await store.CheckInAsync(queue, account, false, false, Now))!.Number!.Value] = account;
        var gone = new[] { byNumber[2], byNumber[4] };
        var present = crowd.Except(gone).ToList();

        // Ten minutes of waiting before the start left every check-in stale; a minute in, only the present ones checked in again.
        Clock.Advance(TimeSpan.FromSeconds(61));
        await CheckInAllAsync(store, present);
        var result = await TickAsync(store, rules);
        Assert.Equal(4, result.Admitted);
        Assert.Equal(2, result.Skipped);
        Assert.Equal(6, result.Serving);
        foreach (var account in gone) Assert.Equal(EntryState.Expired, (await store.CheckInAsync(queue, account, false, false, Now))!.State);
        foreach (var account in present) Assert.Equal(EntryState.Admitted, (await store.CheckInAsync(queue, account, false, false, Now))!.State);

        // A skipped buyer who comes back joins again, at the end.
        Assert.Equal(7, (await JoinAsync(store, rules, gone[0])).Number);
    }

    [Fact]
    public async Task Capacity_mode_lets_the_next_in_when_a_shopper_leaves_or_their_admission_ends()
    {
        var store = CreateStore();
        var rules = Rules(QueueMode.Capacity, maxActive: 2, tokenMinutes: 5);
        var crowd = Accounts(5);
        foreach (var account in crowd) await JoinAsync(store, rules, account);
        await StartAsync(store, rules, FairDraw.NewSeed());
        await CheckInAllAsync(store, crowd);

        Assert.Equal(2, (await TickAsync(store, rules)).Admitted);
        Assert.Equal(0, (await TickAsync(store, rules)).Admitted);
        var shopping = new List<Guid>();
        foreach (var account in crowd)
            if ((await store.CheckInAsync(queue, account, false, true, Now))!.State == EntryState.Admitted) shopping.Add(account);
        Assert.Equal(2, shopping.Count);

        Assert.True(await store.LeaveAsync(queue, shopping[0], Now));
        Assert.False(await store.LeaveAsync(queue, shopping[0], Now));
        Assert.Equal(1, (await TickAsync(store, rules)).Admitted);
        Assert.Equal(2, (await store.CountersAsync(queue, Now)).Active);

        // Five minutes on, both admissions have ended: two more come in.
        Clock.Advance(TimeSpan.FromMinutes(5));
        await CheckInAllAsync(store, crowd);
        Assert.Equal(2, (await TickAsync(store, rules)).Admitted);
        Assert.Equal(5, (await store.CountersAsync(queue, Now)).Serving);
        Assert.Null((await store.CheckInAsync(queue, shopping[1], false, false, Now))!.AdmittedUntilMs);
    }

    [Fact]
    public async Task A_full_queue_refuses_until_someone_leaves()
    {
        var store = CreateStore();
        var rules = Rules(maxSize: 3);
        var crowd = Accounts(3);
        foreach (var account in crowd) await JoinAsync(store, rules, account);
        var refused = Assert.IsType<JoinOutcome.Full>(await store.JoinAsync(queue, rules, Guid.NewGuid(), false, Now));
        Assert.Equal(3, refused.Waiting);
        // Someone already in line still gets their place back.
        Assert.False(Assert.IsType<JoinOutcome.Joined>(await store.JoinAsync(queue, rules, crowd[1], false, Now)).New);

        Assert.True(await store.LeaveAsync(queue, crowd[0], Now));
        Assert.True(Assert.IsType<JoinOutcome.Joined>(await store.JoinAsync(queue, rules, Guid.NewGuid(), false, Now)).New);
    }

    [Fact]
    public async Task A_shadow_banned_account_waits_like_anyone_but_is_never_admitted()
    {
        var store = CreateStore();
        var rules = Rules(perMinute: 600);
        var crowd = Accounts(4);
        var bot = crowd[2];
        foreach (var account in crowd) await JoinAsync(store, rules, account, held: account == bot);
        await StartAsync(store, rules, FairDraw.NewSeed());
        await CheckInAllAsync(store, crowd.Except([bot]));
        Assert.NotNull(await store.CheckInAsync(queue, bot, true, true, Now));

        var result = await TickAsync(store, rules);
        Assert.Equal(3, result.Admitted);
        Assert.Equal(4, result.Serving);
        var entry = (await store.CheckInAsync(queue, bot, true, true, Now))!;
        Assert.Equal(EntryState.Held, entry.State);
        Assert.Null(entry.AdmittedUntilMs);
        Assert.Equal(0, (await store.CountersAsync(queue, Now)).Waiting);
    }
}

public sealed class InProcessQueueStoreTests : QueueStoreContract
{
    internal override IQueueStore CreateStore() => new InProcessQueueStore();
}

public sealed class RedisQueueStoreTests : QueueStoreContract
{
    static readonly Lazy<ConnectionMultiplexer> Redis = new(() => ConnectionMultiplexer.Connect(TestServers.Redis));

    internal override IQueueStore CreateStore() => new RedisQueueStore(Redis.Value);
}
