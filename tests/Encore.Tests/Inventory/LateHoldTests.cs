using System.Net;
using Encore.Inventory;
using Encore.Inventory.Holds;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Inventory;

/// <summary>
/// A Redis that stalls past the client's timeout still runs the hold script it had received when it
/// resumes: the request answered 503, yet the seats are held in the buyer's name. With an
/// Idempotency-Key the buyer's retry gets that hold back; without one the hold is let go, so the
/// buyer's next try is not refused by their own hold until its TTL.
/// </summary>
public sealed class LateHoldTests
{
    /// <summary>The store behind the feed, made to do the next hold and then time out, as a stalled Redis does.</summary>
    sealed class TimesOutAfterHolding(IHoldStore inner) : IHoldStore
    {
        public volatile bool StallNext;

        public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken ct)
        {
            var outcome = await inner.HoldAsync(request, ct);
            if (!StallNext) return outcome;
            StallNext = false;
            throw new StackExchange.Redis.RedisTimeoutException(StackExchange.Redis.CommandFlags.None,
                "Timeout awaiting response (5000ms elapsed, timeout is 5000ms), command=EVALSHA", StackExchange.Redis.CommandStatus.Sent);
        }

        public Task InitializeAsync(Guid performanceId, IReadOnlyDictionary<Guid, Encore.Inventory.Model.InventoryPool> poolSeats, SoldState sold, CancellationToken ct) =>
            inner.InitializeAsync(performanceId, poolSeats, sold, ct);
        public Task SetSoldAsync(Guid performanceId, SoldState update, CancellationToken ct) => inner.SetSoldAsync(performanceId, update, ct);
        public bool VersionsSoldUpdates => inner.VersionsSoldUpdates;
        public Task<long> NextSoldVersionAsync(Guid performanceId, CancellationToken ct) => inner.NextSoldVersionAsync(performanceId, ct);
        public Task<HoldOutcome?> ReplayAsync(Guid performanceId, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct) =>
            inner.ReplayAsync(performanceId, buyerId, idempotencyKey, requestHash, ct);
        public Task<Hold?> GetAsync(Guid holdId, CancellationToken ct) => inner.GetAsync(holdId, ct);
        public Task<Hold?> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken ct) => inner.ReleaseAsync(holdId, buyerId, ct);
        public Task<ExtendOutcome> ExtendAsync(Guid holdId, Guid buyerId, CancellationToken ct) => inner.ExtendAsync(holdId, buyerId, ct);
        public Task<ClaimSnapshot> SnapshotAsync(Guid performanceId, CancellationToken ct) => inner.SnapshotAsync(performanceId, ct);
        public Task<BlockOutcome> BlockAsync(Guid performanceId, Encore.Inventory.Model.InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct) =>
            inner.BlockAsync(performanceId, pool, seatIds, ct);
        public Task UnblockAsync(Guid performanceId, Encore.Inventory.Model.InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct) =>
            inner.UnblockAsync(performanceId, pool, seatIds, ct);
        public Task<ClaimSnapshot> ClaimsOfAsync(Guid performanceId, IReadOnlyCollection<Guid> seatIds, IReadOnlyCollection<string> sections, CancellationToken ct) =>
            inner.ClaimsOfAsync(performanceId, seatIds, sections, ct);
        public Task<ExpiredClaims> TakeExpiredAsync(Guid performanceId, CancellationToken ct) => inner.TakeExpiredAsync(performanceId, ct);
    }

    readonly TimesOutAfterHolding store = new(new InProcessHoldStore(TimeProvider.System));

    EncoreAppFactory App() => EncoreAppFactory.Sqlite(seedDemo: true)
        .WithServices(s => s.AddKeyedSingleton<IHoldStore>(InventoryModule.HoldStoreBackend, store));

    static async Task<(OnSale Sale, HttpClient Buyer)> SaleAndBuyerAsync(EncoreAppFactory app) =>
        (await (await app.SignedInAsync("organizer@encore.test")).PublishOnSaleAsync(), await app.NewBuyerAsync());

    static async Task<List<Guid>> HeldAsync(HttpClient client, OnSale sale) => (await client.AvailabilityAsync(sale))["seats"]!["held"].Ids();

    [Fact]
    public async Task Without_a_key_the_hold_placed_after_its_request_failed_is_let_go()
    {
        await using var app = App();
        var (sale, buyer) = await SaleAndBuyerAsync(app);

        store.StallNext = true;
        using (var failed = await buyer.HoldSeatsAsync(sale, "A3", "A4"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.NotNull(failed.Headers.RetryAfter);
        }

        // The release runs in the background right after the failure: wait for it (bounded).
        var held = await HeldAsync(buyer, sale);
        for (var attempt = 0; attempt < 50 && held.Count > 0; attempt++)
        {
            await Task.Delay(100);
            held = await HeldAsync(buyer, sale);
        }
        Assert.Empty(held);
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "A3", "A4")).StatusCode);
    }

    [Fact]
    public async Task With_a_key_the_retry_gets_the_hold_placed_after_its_request_failed()
    {
        await using var app = App();
        var (sale, buyer) = await SaleAndBuyerAsync(app);
        var body = new { seatIds = new[] { sale.Seats["A5"], sale.Seats["A6"] } };

        store.StallNext = true;
        using (var failed = await buyer.PlaceHoldAsync(sale.PerformanceId, body, "late-hold-1"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);

        using var retried = await buyer.PlaceHoldAsync(sale.PerformanceId, body, "late-hold-1");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(new[] { sale.Seats["A5"], sale.Seats["A6"] }.Order(), (await HeldAsync(buyer, sale)).Order());
    }
}
