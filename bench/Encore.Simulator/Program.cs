using System.Globalization;
using Encore.Bench;
using Encore.Simulator;

// The flash-sale simulator (docs/simulator.md). Sets up an event with a waiting room, flags the
// scalpers' accounts through the admin API, then lets buyers arrive: some before the start (the
// pre-queue, drawn at random at the start), the rest after it (first come, first served). They wait
// by polling or on a live connection (WebSocket or Server-Sent Events), are admitted at the pace,
// hold seats or standing places with their admission token, and abandon (release) or keep them.
// Greedy bots act at 100× a human's rate throughout. At the end it checks the invariants through
// the public API and exits 1 if one fails.
var options = SimOptions.Parse(args);
var buyers = SimBuyer.Load(options.BuyersFile, options.Buyers, options.GreedyShare);
Console.Error.WriteLine($"[sim] {buyers.Length} buyers from {options.BuyersFile}; setting up the event at {options.Url}");
using var http = Api.Client(options.Url, options.Connections);
var simulation = await Simulation.SetUpAsync(http, options, buyers);
var report = await simulation.RunAsync();
if (options.Checkout) report = await simulation.ScanAndCheckAsync(report);
Console.WriteLine(report.Text);
if (options.ReportPath is { } path) await File.WriteAllTextAsync(path, report.Text);
return report.Failed ? 1 : 0;

namespace Encore.Simulator
{
    /// <param name="PreQueueSeconds">How long the pre-queue is open before the start.</param>
    /// <param name="PreShare">Share of the human buyers who arrive during the pre-queue (the rest after the start).</param>
    /// <param name="ArrivalSeconds">Later arrivals come over this many seconds after the start.</param>
    /// <param name="DurationSeconds">How long the sale runs after the start.</param>
    /// <param name="Pace">Admissions per minute.</param>
    /// <param name="LiveShare">Share of the humans who wait on a live connection (half WebSocket, half SSE); the rest poll.</param>
    /// <param name="PollSeconds">How often a polling client reads its place (a check-in).</param>
    sealed record SimOptions(string Url, string BuyersFile, int Buyers, int Seats, int Standing, int BuyerLimit, double GreedyShare,
        int PreQueueSeconds, double PreShare, int ArrivalSeconds, int DurationSeconds, int Pace, double LiveShare, double PollSeconds,
        int CheckInSeconds, int TokenMinutes, double HumanThinkSeconds, int Connections, double AbandonShare, string? ReportPath,
        bool Checkout, string? Postgres, string? Reconcile, double DoubleScanShare, double OfflineShare)
    {
        public static SimOptions Parse(string[] args)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
            string Get(string key, string fallback) => map.TryGetValue(key, out var v) ? v : fallback;
            double D(string key, string fallback) => double.Parse(Get(key, fallback), CultureInfo.InvariantCulture);
            return new SimOptions(Get("url", "http://127.0.0.1:8080"), Get("buyers-file", "buyers.tsv"), (int)D("buyers", "2000"),
                (int)D("seats", "20000"), (int)D("standing", "5000"), (int)D("limit", "8"), D("greedy-share", "0.01"),
                (int)D("pre-queue", "30"), D("pre-share", "0.5"), (int)D("arrival", "30"), (int)D("duration", "120"), (int)D("pace", "600"),
                D("live-share", "0.2"), D("poll", "10"), (int)D("check-in", "60"), (int)D("token-minutes", "5"),
                D("think", "2"), (int)D("connections", "256"), D("abandon", "0.5"), map.GetValueOrDefault("report"),
                D("checkout", "1") != 0, map.GetValueOrDefault("postgres"), map.GetValueOrDefault("reconcile"), D("double-scan", "0.1"), D("offline", "0.1"));
        }
    }
}
