using System.Globalization;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>Turns the JSON-lines results of a run into the table of docs/PERFORMANCE.md.</summary>
public static class Report
{
    /// <summary>--rate 1500, or --rate 0.7x:label (a fraction of the hold or ping rate measured under that label).</summary>
    internal static double Rate(Options options)
    {
        string spec = options.Get("rate");
        if (!spec.Contains('x', StringComparison.Ordinal)) return double.Parse(spec, CultureInfo.InvariantCulture);
        var parts = spec.Split("x:");
        var fraction = double.Parse(parts[0], CultureInfo.InvariantCulture);
        return Math.Max(1, fraction * Throughput(Find(options.Get("results", "results.jsonl"), parts[1])));
    }

    static JsonNode Find(string results, string label) =>
        File.ReadLines(results).Select(l => JsonNode.Parse(l)!).LastOrDefault(n => n["label"]?.GetValue<string>() == label)
        ?? throw new InvalidOperationException($"No result labelled {label} in {results}.");

    /// <summary>Successful operations per second: 201 holds, 200 pings, 200/201 joins, 200 paid orders, 200 scans (admitted or refused as duplicates), 201 invoices.</summary>
    public static double Throughput(JsonNode result)
    {
        var summary = result["summary"]!;
        if ((summary["hold"] ?? summary["ping"] ?? summary["join"] ?? summary["pay"] ?? summary["scan"] ?? summary["invoice"]) is not { } kind) return 0;
        var ok = kind["statuses"]!.AsObject().Where(kv => kv.Key is "200" or "201").Sum(kv => kv.Value!.GetValue<long>());
        return ok / result["seconds"]!.GetValue<double>();
    }

    public static void Print(string results)
    {
        Console.WriteLine("| Run | Mode | Requests/s (all) | OK/s | Statuses | p50 ms | p99 ms | p99.9 ms | Check |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var line in File.ReadLines(results))
        {
            var n = JsonNode.Parse(line)!;
            if (n["summary"] is null)
            {
                Console.WriteLine($"| {n["label"]} | {n["workload"]?.GetValue<string>() ?? "race"} | | | | | | | {n["check"]} |");
                continue;
            }
            var summary = n["summary"]!;
            if ((summary["hold"] ?? summary["ping"] ?? summary["join"] ?? summary["pay"] ?? summary["scan"] ?? summary["invoice"]) is not { } kind)
            {
                Console.WriteLine($"| {n["label"]} | | 0 | 0 | no request completed | | | | {n["check"]} |");
                continue;
            }
            var latency = kind["latency"]!;
            var statuses = string.Join(" ", kind["statuses"]!.AsObject().Select(kv => $"{kv.Key}:{kv.Value}"));
            var mode = n["mode"]!.GetValue<string>() == "max" ? $"closed, {n["connections"]} conn" : string.Create(CultureInfo.InvariantCulture, $"{n["rate"]!.GetValue<double>():F0}/s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n["label"]} | {mode} | {kind["perSecond"]!.GetValue<double>():F0} | {Throughput(n):F0} | {statuses} | {latency["p50"]!.GetValue<double>():F1} | {latency["p99"]!.GetValue<double>():F1} | {latency["p999"]!.GetValue<double>():F1} | {n["check"]} |"));
        }
    }

    /// <summary>The checkout targets of issue 5 against pgbench TPC-B of the same run: pay ≥ 0.5×, scans ≥ 1×, offline ≥ 20,000/s per core.</summary>
    public static void Targets(string results, double pgbenchTps)
    {
        var lines = File.ReadLines(results).Select(l => JsonNode.Parse(l)!).ToList();
        double? Rate(string workload) => lines.LastOrDefault(n => n["workload"]?.GetValue<string>() == workload && n["summary"] is not null) is { } n ? Throughput(n) : null;
        var offlineLine = lines.LastOrDefault(n => n["label"]?.GetValue<string>() == "offline-verify-1t");
        // Per CPU-second is the per-core figure on a shared machine; runs before it had only the wall-clock rate.
        var offline = (offlineLine?["perCpuSecond"] ?? offlineLine?["perCore"])?.GetValue<double>();
        string Line(string what, double? value, double target) => value is not { } v
            ? $"{what}: not measured"
            : string.Create(CultureInfo.InvariantCulture, $"{what}: {v:F0}/s against a target of {target:F0}/s — {(v >= target ? "met" : "NOT met")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pgbench TPC-B of this run: {pgbenchTps:F0} tps"));
        Console.WriteLine(Line("purchase confirms (pay, 200 paid)", Rate("pay"), 0.5 * pgbenchTps));
        Console.WriteLine(Line("scans (verify + atomic check-in, 200; duplicates once every ticket is in)", Rate("scan"), pgbenchTps));
        Console.WriteLine(Line("first admissions (each ticket's first scan, one pass)", Rate("scan-first"), pgbenchTps));
        Console.WriteLine(Line("offline verifications per core", offline, 20_000));
    }
}
