namespace Encore.BuildingBlocks;

/// <summary>The wait between two passes of a background job: the one way our jobs sleep.</summary>
public static class Pause
{
    /// <summary>
    /// Waits <paramref name="period"/> on <paramref name="clock"/> after a pass; false once the host stops.
    /// Not a <see cref="PeriodicTimer"/>: when a clock jumps ahead (a test moving its fake clock by
    /// days), a periodic timer on it fires once for every period skipped, and a job whose pass completes
    /// synchronously (as SQLite's I/O does) then runs thousands of passes before the jump returns. A
    /// pause after each pass runs one. Stopping is not an error, so the wait does not throw.
    /// </summary>
    public static async Task<bool> NextPassAsync(TimeSpan period, TimeProvider clock, CancellationToken ct)
    {
        await Task.Delay(period, clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !ct.IsCancellationRequested;
    }
}
