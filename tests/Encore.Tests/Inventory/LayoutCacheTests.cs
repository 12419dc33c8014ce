using Encore.Inventory;
using Encore.Inventory.Holds;
using Encore.Inventory.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Inventory;

/// <summary>
/// The per-instance layout cache: once an instance has a performance's layout, no request waits for
/// the database again; an expired layout is served while one refresh reads it in the background.
/// </summary>
public sealed class LayoutCacheTests
{
    readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    readonly Guid performanceId = Guid.CreateVersion7();
    readonly Guid eventId = Guid.CreateVersion7();
    readonly InventoryOptions options = new() { LayoutCacheSeconds = 5 };

    /// <summary>What the background refresh reads: each call waits for the test to hand it a layout (or a failure).</summary>
    readonly Queue<TaskCompletionSource<PerformanceLayout?>> refreshes = new();
    int refreshCalls;

    LayoutCache Cache() => new(options, clock, _ =>
    {
        Interlocked.Increment(ref refreshCalls);
        var read = new TaskCompletionSource<PerformanceLayout?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (refreshes) refreshes.Enqueue(read);
        return read.Task;
    }, NullLogger<LayoutCache>.Instance);

    PerformanceLayout Layout(int holdMinutes) => PerformanceLayout.From(
        new PerformanceInventory { PerformanceId = performanceId, EventId = eventId, Currency = "EUR", TierLimit = 8 },
        new EventHoldSettings { EventId = eventId, HoldMinutes = holdMinutes, TicketLimit = 8 }, options);

    static Func<Task<PerformanceLayout?>> Reads(PerformanceLayout layout, Action? onRead = null) => () =>
    {
        onRead?.Invoke();
        return Task.FromResult<PerformanceLayout?>(layout);
    };

    async Task<TaskCompletionSource<PerformanceLayout?>> NextRefreshAsync()
    {
        for (var i = 0; i < 500; i++)
        {
            lock (refreshes)
                if (refreshes.TryDequeue(out var read)) return read;
            await Task.Delay(10);
        }
        throw new TimeoutException("No background refresh started.");
    }

    [Fact]
    public async Task An_expired_layout_is_served_at_once_while_one_refresh_reads_it_and_the_refreshed_one_follows()
    {
        var cache = Cache();
        var first = Layout(holdMinutes: 10);
        var readsHere = 0;
        Assert.Same(first, await cache.GetAsync(performanceId, Reads(first, () => readsHere++)));

        clock.Advance(TimeSpan.FromSeconds(6));
        var second = Layout(holdMinutes: 12);
        // Several requests find it expired: each gets the old layout without waiting, and only one refresh runs.
        var during = Enumerable.Range(0, 5).Select(_ => cache.GetAsync(performanceId, Reads(second, () => readsHere++))).ToList();
        Assert.All(during, served => Assert.True(served.IsCompletedSuccessfully));
        Assert.All(during, served => Assert.Same(first, served.Result));
        var refresh = await NextRefreshAsync();
        Assert.Same(first, await cache.GetAsync(performanceId, Reads(second, () => readsHere++)));

        refresh.SetResult(second);
        for (var i = 0; i < 500 && await cache.GetAsync(performanceId, Reads(second, () => readsHere++)) != second; i++) await Task.Delay(10);
        Assert.Same(second, await cache.GetAsync(performanceId, Reads(second, () => readsHere++)));
        Assert.Equal(1, refreshCalls);
        Assert.Equal(1, readsHere);
    }

    [Fact]
    public async Task A_refresh_that_fails_drops_the_stale_layout_so_the_next_request_reads_it_itself()
    {
        var cache = Cache();
        var first = Layout(holdMinutes: 10);
        await cache.GetAsync(performanceId, Reads(first));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Same(first, await cache.GetAsync(performanceId, Reads(first)));

        (await NextRefreshAsync()).SetException(new InvalidOperationException("database unreachable"));
        for (var i = 0; i < 500 && cache.Seen(performanceId); i++) await Task.Delay(10);
        Assert.False(cache.Seen(performanceId));

        var read = Layout(holdMinutes: 15);
        var readsHere = 0;
        Assert.Same(read, await cache.GetAsync(performanceId, Reads(read, () => readsHere++)));
        Assert.Equal(1, readsHere);
    }

    [Fact]
    public async Task A_read_that_began_before_an_invalidation_is_not_kept()
    {
        var cache = Cache();
        var before = Layout(holdMinutes: 10);
        var reading = new TaskCompletionSource<PerformanceLayout?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = cache.GetAsync(performanceId, () => reading.Task);

        // The organizer changes the layout while the read is under way: what it brings back predates the change.
        cache.InvalidateEvent(eventId);
        reading.SetResult(before);
        Assert.Same(before, await pending);
        Assert.False(cache.Seen(performanceId));

        var after = Layout(holdMinutes: 20);
        Assert.Same(after, await cache.GetAsync(performanceId, Reads(after)));
        Assert.Same(after, await cache.GetAsync(performanceId, Reads(before)));
    }

    [Fact]
    public async Task Requests_that_miss_together_share_one_read()
    {
        var cache = Cache();
        var reading = new TaskCompletionSource<PerformanceLayout?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var waiting = Enumerable.Range(0, 8).Select(_ => cache.GetAsync(performanceId, () => { reads++; return reading.Task; })).ToList();
        var layout = Layout(holdMinutes: 10);
        reading.SetResult(layout);
        Assert.All(await Task.WhenAll(waiting), served => Assert.Same(layout, served));
        Assert.Equal(1, reads);
        Assert.Equal(0, refreshCalls);
    }
}
