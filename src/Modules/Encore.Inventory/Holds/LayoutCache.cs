using System.Collections.Concurrent;

namespace Encore.Inventory.Holds;

/// <summary>
/// Each instance keeps the layouts it read for a few seconds: the hold path then reads the
/// database only when a performance's layout is new or stale. Changes made on another instance
/// show after at most the cache lifetime; what must never be stale (who holds what) lives in the hold store.
/// </summary>
internal sealed class LayoutCache(InventoryOptions options, TimeProvider clock)
{
    readonly ConcurrentDictionary<Guid, (PerformanceLayout Layout, DateTimeOffset LoadedAt)> layouts = new();
    readonly ConcurrentDictionary<Guid, Task<PerformanceLayout?>> loading = new();

    /// <summary>
    /// Runs <paramref name="load"/> once for all the requests that miss the cache together. Without
    /// this, every request in flight when a large venue's layout goes stale (64 of them, say) reads
    /// its 20,000 seats from the database at the same moment: the benchmark saw 2-second stalls.
    /// </summary>
    public async Task<PerformanceLayout?> LoadOnceAsync(Guid performanceId, Func<Task<PerformanceLayout?>> load)
    {
        var mine = new TaskCompletionSource<PerformanceLayout?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = loading.GetOrAdd(performanceId, mine.Task);
        if (shared != mine.Task) return await shared;
        try
        {
            var layout = await load();
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

    public PerformanceLayout? Find(Guid performanceId) =>
        layouts.TryGetValue(performanceId, out var entry) && clock.GetUtcNow() - entry.LoadedAt < TimeSpan.FromSeconds(options.LayoutCacheSeconds)
            ? entry.Layout
            : null;

    /// <summary>Whether this instance has read the performance's layout before, fresh or stale.</summary>
    public bool Seen(Guid performanceId) => layouts.ContainsKey(performanceId);

    public void Remember(PerformanceLayout layout) => layouts[layout.PerformanceId] = (layout, clock.GetUtcNow());

    public void Invalidate(Guid performanceId) => layouts.TryRemove(performanceId, out _);

    public void InvalidateEvent(Guid eventId)
    {
        foreach (var (id, entry) in layouts)
            if (entry.Layout.EventId == eventId) layouts.TryRemove(id, out _);
    }
}
