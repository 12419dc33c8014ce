namespace Encore.BuildingBlocks;

/// <summary>
/// When an in-process map of expiring entries is swept. A sweep walks every entry, so it runs only
/// once the map has grown past its bound, and then at most once per interval, by the one caller
/// that finds it due. Sweeping on every call above the bound made each call walk the whole map for
/// as long as its entries were still live: on the embedded default a hold spent more time walking
/// 100,000 spent proofs than doing anything else (docs/PERFORMANCE.md).
/// </summary>
public sealed class SweepSchedule(TimeProvider clock, int above, TimeSpan every)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    long nextTicks;

    public SweepSchedule(TimeProvider clock, int above) : this(clock, above, DefaultInterval) { }

    /// <summary>True for the one caller that should sweep now, given the map's size.</summary>
    public bool Due(int count)
    {
        if (count <= above) return false;
        var now = clock.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref nextTicks);
        return now >= next && Interlocked.CompareExchange(ref nextTicks, now + every.Ticks, next) == next;
    }
}
