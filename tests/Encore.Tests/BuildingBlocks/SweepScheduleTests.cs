using Encore.BuildingBlocks;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.BuildingBlocks;

/// <summary>The in-process stores sweep their expired entries on a clock, not on every call.</summary>
public sealed class SweepScheduleTests
{
    readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_map_is_swept_once_per_interval_however_often_it_is_called()
    {
        var schedule = new SweepSchedule(clock, TimeSpan.FromSeconds(10));
        Assert.True(schedule.Due());
        for (var i = 0; i < 1_000; i++) Assert.False(schedule.Due());
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(schedule.Due());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(schedule.Due());
        Assert.False(schedule.Due());
    }

    [Fact]
    public void Of_many_callers_that_find_it_due_together_one_sweeps()
    {
        var schedule = new SweepSchedule(clock, TimeSpan.FromSeconds(10));
        using var start = new Barrier(8);
        var sweeps = 0;
        // Threads of their own: eight blocked pool threads would wait for the pool to grow.
        var callers = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 10_000; i++)
                if (schedule.Due()) Interlocked.Increment(ref sweeps);
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.Equal(1, sweeps);
    }
}
