using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Encore.Inventory.Holds;

/// <summary>
/// Each instance keeps the layouts it read: the hold path reads the database only when a
/// performance's layout is new to it or was invalidated here. Changes made on another instance show
/// after at most the cache lifetime and one refresh; what must never be stale (who holds what)
/// lives in the hold store.
/// </summary>
/// <remarks>
/// A layout past its lifetime is still served while one refresh reads it again in the background.
/// Requests used to wait for that read: a 20,000-seat venue took some 100 ms to read and build, every
/// few seconds on every instance, and every hold of the performance on that instance queued behind it
/// (the hold benchmark's p99, docs/PERFORMANCE.md). A refresh that fails drops the stale copy, so the
/// next request reads the layout itself and meets the failure rather than a layout of unknown age.
/// </remarks>
/// <param name="readInOwnScope">Reads a layout in a scope of its own: a refresh outlives the request that noticed the layout was stale.</param>
internal sealed partial class LayoutCache(
    InventoryOptions options, TimeProvider clock, Func<Guid, Task<PerformanceLayout?>> readInOwnScope, ILogger<LayoutCache> logger)
{
    readonly ConcurrentDictionary<Guid, Entry> layouts = new();
    readonly ConcurrentDictionary<Guid, Task<PerformanceLayout?>> loading = new();
    readonly ConcurrentDictionary<Guid, byte> refreshing = new();
    // Bumped by every invalidation: a read that began before one is not remembered.
    long invalidations;

    sealed record Entry(PerformanceLayout Layout, DateTimeOffset ReadAt);

    TimeSpan Lifetime => TimeSpan.FromSeconds(options.LayoutCacheSeconds);

    /// <summary>
    /// The performance's layout: from memory when this instance has it, refreshed in the background
    /// once it is older than the lifetime; otherwise read by <paramref name="readHere"/> (in the
    /// caller's scope), once for all the requests that miss together.
    /// </summary>
    public Task<PerformanceLayout?> GetAsync(Guid performanceId, Func<Task<PerformanceLayout?>> readHere)
    {
        if (!layouts.TryGetValue(performanceId, out var entry)) return LoadOnceAsync(performanceId, readHere);
        if (clock.GetUtcNow() - entry.ReadAt >= Lifetime && refreshing.TryAdd(performanceId, 0))
        {
            // Not in the request's execution context: the refresh is no part of its trace, and must not
            // see its HttpContext after it has ended.
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(() => RefreshAsync(performanceId, entry));
        }
        return Task.FromResult<PerformanceLayout?>(entry.Layout);
    }

    async Task RefreshAsync(Guid performanceId, Entry stale)
    {
        try
        {
            await LoadOnceAsync(performanceId, () => readInOwnScope(performanceId));
        }
        catch (Exception e)
        {
            layouts.TryRemove(KeyValuePair.Create(performanceId, stale));
            LogRefreshFailed(logger, e, performanceId);
        }
        finally
        {
            refreshing.TryRemove(performanceId, out _);
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> once for all the requests that miss the cache together. Without
    /// this, every request in flight when a large venue's layout is first needed (64 of them, say)
    /// reads its 20,000 seats from the database at the same moment: the benchmark saw 2-second stalls.
    /// </summary>
    async Task<PerformanceLayout?> LoadOnceAsync(Guid performanceId, Func<Task<PerformanceLayout?>> read)
    {
        var mine = new TaskCompletionSource<PerformanceLayout?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = loading.GetOrAdd(performanceId, mine.Task);
        if (shared != mine.Task) return await shared;
        try
        {
            var readAt = clock.GetUtcNow();
            var before = Interlocked.Read(ref invalidations);
            var layout = await read();
            if (layout is not null && Interlocked.Read(ref invalidations) == before) layouts[performanceId] = new Entry(layout, readAt);
            mine.SetResult(layout);
            return layout;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            _ = mine.Task.Exception; // observed here; the waiters get it too
            throw;
        }
        finally
        {
            loading.TryRemove(KeyValuePair.Create(performanceId, mine.Task));
        }
    }

    /// <summary>Whether this instance has read the performance's layout before and not invalidated it since.</summary>
    public bool Seen(Guid performanceId) => layouts.ContainsKey(performanceId);

    public void Invalidate(Guid performanceId)
    {
        Interlocked.Increment(ref invalidations);
        layouts.TryRemove(performanceId, out _);
    }

    public void InvalidateEvent(Guid eventId)
    {
        Interlocked.Increment(ref invalidations);
        foreach (var (id, entry) in layouts)
            if (entry.Layout.EventId == eventId) layouts.TryRemove(id, out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the layout of performance {PerformanceId} failed; the next request reads it again")]
    static partial void LogRefreshFailed(ILogger logger, Exception exception, Guid performanceId);
}
