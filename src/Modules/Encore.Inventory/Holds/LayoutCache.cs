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

    public PerformanceLayout? Find(Guid performanceId) =>
        layouts.TryGetValue(performanceId, out var entry) && clock.GetUtcNow() - entry.LoadedAt < TimeSpan.FromSeconds(options.LayoutCacheSeconds)
            ? entry.Layout
            : null;

    public void Remember(PerformanceLayout layout) => layouts[layout.PerformanceId] = (layout, clock.GetUtcNow());

    public void Invalidate(Guid performanceId) => layouts.TryRemove(performanceId, out _);

    public void InvalidateEvent(Guid eventId)
    {
        foreach (var (id, entry) in layouts)
            if (entry.Layout.EventId == eventId) layouts.TryRemove(id, out _);
    }
}
