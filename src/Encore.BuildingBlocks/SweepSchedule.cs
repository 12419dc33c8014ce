namespace Encore.BuildingBlocks;

/// <summary>
/// When an in-process map of expiring entries is swept: at most once per interval, by the one
/// caller that finds it due. A sweep walks every entry, so it must not run on every call. Sweeping
/// on every call once the map passed a size made each call walk the whole map for as long as its
/// entries were live, and asking a ConcurrentDictionary its size on every call takes all its locks:
/// on the embedded default a hold spent more time on the spent proofs than on anything else
/// (docs/PERFORMANCE.md).
/// </summary>
public sealed class SweepSchedule(TimeProvider clock, TimeSpan every)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    long nextTicks;

    public SweepSchedule(TimeProvider clock) : this(clock, DefaultInterval) { }

    /// <summary>True for the one caller that should sweep now.</summary>
    public bool Due()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref nextTicks);
        return now >= next && Interlocked.CompareExchange(ref nextTicks, now + every.Ticks, next) == next;
    }
}
