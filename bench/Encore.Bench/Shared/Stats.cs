using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Encore.Bench;

/// <summary>Every request's status and latency, by kind (hold, release, ping …); percentiles at the end.</summary>
public sealed class Recorder
{
    readonly ConcurrentDictionary<string, ConcurrentQueue<long>> samples = new();
    public volatile bool Recording = true;

    public static double Millis(long fromTimestamp, long toTimestamp) => (toTimestamp - fromTimestamp) * 1000.0 / Stopwatch.Frequency;

    /// <param name="status">HTTP status, or 0 for a transport failure (refused, reset, timeout).</param>
    public void Add(string kind, int status, long fromTimestamp)
    {
        if (!Recording) return;
        var micros = (long)(Millis(fromTimestamp, Stopwatch.GetTimestamp()) * 1000);
        samples.GetOrAdd(kind, _ => new ConcurrentQueue<long>()).Enqueue(status * 10_000_000_000L + Math.Min(micros, 9_999_999_999L));
    }

    public IReadOnlyDictionary<string, KindSummary> Summarize(double seconds) =>
        samples.ToDictionary(kv => kv.Key, kv => KindSummary.From(kv.Value.ToArray(), seconds));
}

public sealed record Percentiles(double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles Of(double[] sorted) => sorted.Length == 0
        ? new(0, 0, 0, 0, 0)
        : new(At(sorted, 0.50), At(sorted, 0.90), At(sorted, 0.99), At(sorted, 0.999), sorted[^1]);

    static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50:F2} ms, p90 {P90:F2}, p99 {P99:F2}, p99.9 {P999:F2}, max {Max:F2}");
}

public sealed record KindSummary(long Count, double PerSecond, IReadOnlyDictionary<int, long> Statuses, Percentiles Latency, IReadOnlyDictionary<int, Percentiles> ByStatus)
{
    public static KindSummary From(long[] raw, double seconds)
    {
        var statuses = raw.GroupBy(v => (int)(v / 10_000_000_000L)).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Select(v => (v % 10_000_000_000L) / 1000.0).Order().ToArray());
        var all = raw.Select(v => (v % 10_000_000_000L) / 1000.0).Order().ToArray();
        return new KindSummary(raw.Length, raw.Length / seconds,
            statuses.ToDictionary(kv => kv.Key, kv => (long)kv.Value.Length), Percentiles.Of(all),
            statuses.ToDictionary(kv => kv.Key, kv => Percentiles.Of(kv.Value)));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} requests, {PerSecond:F0}/s, statuses [{string.Join(", ", Statuses.Select(kv => $"{kv.Key}: {kv.Value}"))}], {Latency}");
}
