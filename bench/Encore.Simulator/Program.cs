using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Encore.Bench;

// The flash-sale simulator (bench/README.md). Humans arrive in a burst when the sale opens, read
// the seat map, hold seats or standing places, think, and abandon (release) or keep their hold;
// greedy bots hammer the hold endpoint at 100× a human's rate and never let go. At the end it
// reads the hold state back through the API and checks the invariants; exit code 1 if one fails.
var options = SimOptions.Parse(args);
var ev = BenchEvent.Load(options.Event);
var tokens = Buyer.Load(options.Tokens).Take(options.Buyers).ToArray();
if (tokens.Length < options.Buyers) throw new InvalidOperationException($"{options.Buyers} buyers asked for, {tokens.Length} tokens given.");
using var http = Api.Client(options.Url, options.Connections);
var sim = new Simulation(http, ev, tokens, options, await BotGate.EnabledAsync(http));
var report = await sim.RunAsync();
Console.WriteLine(report.Text);
if (options.ReportPath is { } path) await File.WriteAllTextAsync(path, report.Text);
return report.Failed ? 1 : 0;

sealed record SimOptions(string Url, string Event, string Tokens, int Buyers, double GreedyShare, int ArrivalSeconds, int DurationSeconds,
    double HumanThinkSeconds, int Connections, double AbandonShare, string? ReportPath)
{
    public static SimOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        string Get(string key, string fallback) => map.TryGetValue(key, out var v) ? v : fallback;
        double D(string key, string fallback) => double.Parse(Get(key, fallback), CultureInfo.InvariantCulture);
        return new SimOptions(Get("url", "http://127.0.0.1:8080"), Get("event", "event.json"), Get("tokens", "tokens.txt"),
            (int)D("buyers", "2000"), D("greedy-share", "0.01"), (int)D("arrival", "20"), (int)D("duration", "60"),
            D("think", "2"), (int)D("connections", "256"), D("abandon", "0.5"), map.GetValueOrDefault("report"));
    }
}

/// <summary>A hold as the client saw it: when its 201 arrived and when its release was sent (never, if kept).</summary>
sealed record Granted(Guid Id, int Buyer, bool Greedy, Guid[] Seats, string? Section, int Quantity, long Received, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public long ReleaseSent = long.MaxValue;
}

sealed record SimReport(string Text, bool Failed);

sealed class Simulation(HttpClient http, BenchEvent ev, Buyer[] tokens, SimOptions options, bool gated)
{
    readonly ConcurrentQueue<Granted> granted = new();
    readonly ConcurrentDictionary<string, long> statuses = new();
    readonly Random random = new(20261126);
    readonly Lock randomLock = new();
    readonly List<string> failures = [];
    readonly List<string> notes = [];
    volatile HashSet<Guid> claimed = [];
    int minStandingSeen = int.MaxValue;
    long humanRequests, greedyRequests;

    int Next(int max) { lock (randomLock) return random.Next(max); }
    double NextDouble() { lock (randomLock) return random.NextDouble(); }

    public async Task<SimReport> RunAsync()
    {
        var greedyCount = Math.Max(1, (int)Math.Round(tokens.Length * options.GreedyShare));
        var started = Stopwatch.GetTimestamp();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.DurationSeconds));
        var sampler = Task.Run(() => SampleAsync(stop.Token));
        var buyers = Enumerable.Range(0, tokens.Length).Select(i => i < greedyCount
            ? Task.Run(() => GreedyAsync(i, stop.Token))
            : Task.Run(() => HumanAsync(i, stop.Token))).ToList();
        await Task.WhenAll(buyers);
        await stop.CancelAsync();
        await sampler;
        var seconds = Recorder.Millis(started, Stopwatch.GetTimestamp()) / 1000;
        await CheckAsync(greedyCount);

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Flash-sale simulation, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- venue: {ev.SeatCount} reserved seats + {ev.StandingCapacity} standing, buyer limit {ev.BuyerLimit}, target {options.Url}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- buyers: {tokens.Length} ({tokens.Length - greedyCount} humans arriving over {options.ArrivalSeconds} s, {greedyCount} greedy bots at 100× a human's request rate), {seconds:F0} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"- requests: humans {humanRequests}, bots {greedyRequests}; answers {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}");
        var all = granted.ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"- holds granted: {all.Length} ({all.Count(g => g.ReleaseSent != long.MaxValue)} released by abandoning buyers, {all.Count(g => g.ReleaseSent == long.MaxValue)} kept for checkout)");
        foreach (var note in notes) text.AppendLine("- " + note);
        text.AppendLine();
        text.AppendLine("| Check | Result |");
        text.AppendLine("|---|---|");
        foreach (var line in checks) text.AppendLine(CultureInfo.InvariantCulture, $"| {line.Name} | {line.Result} |");
        return new SimReport(text.ToString(), failures.Count > 0);
    }

    readonly List<(string Name, string Result)> checks = [];

    void Check(string name, bool ok, string detail)
    {
        checks.Add((name, (ok ? "PASS" : "FAIL") + " — " + detail));
        if (!ok) failures.Add(name);
    }

    /// <summary>Flagged bots solve their (100× harder) proofs one at a time: a scalper's machine is finite too.</summary>
    readonly SemaphoreSlim botSolver = new(1);

    async Task<(int Status, JsonNode? Body, TimeSpan? RetryAfter)> SendAsync(HttpMethod method, string url, Buyer token, object? body, string? proofScope = null)
    {
        using var request = new HttpRequestMessage(method, url);
        token.Apply(request);
        if (body is not null) request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, Api.Json), Encoding.UTF8, "application/json");
        try
        {
            if (proofScope is not null && gated)
            {
                if (token.Bot) await botSolver.WaitAsync();
                try
                {
                    request.Headers.Add(Altcha.Header, await Altcha.SolveAsync(http, token, proofScope));
                }
                finally
                {
                    if (token.Bot) botSolver.Release();
                }
            }
            using var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status.ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync();
            return (status, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null, response.Headers.RetryAfter?.Delta);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            statuses.AddOrUpdate("transport error", 1, (_, n) => n + 1);
            return (0, null, null);
        }
    }

    /// <summary>The seat map a browser would show: refreshed once a second for everyone (the API allows 2 s of caching).</summary>
    async Task SampleAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var availability = JsonNode.Parse(await http.GetStringAsync($"/api/performances/{ev.PerformanceId}/availability", ct))!;
                var seats = availability["seats"]!;
                claimed = [.. seats["held"]!.AsArray().Concat(seats["blocked"]!.AsArray()).Select(n => n!.GetValue<Guid>())];
                var remaining = availability["generalAdmission"]!.AsArray().Single(a => a!["section"]!.GetValue<string>() == ev.StandingSection)!["remaining"]!.GetValue<int>();
                minStandingSeen = Math.Min(minStandingSeen, remaining);
                await Task.Delay(1000, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    /// <summary>q adjacent seats that looked free on the last seat map read, in a random row.</summary>
    Guid[]? PickSeats(int quantity)
    {
        var seen = claimed;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var row = ev.Rows[Next(ev.Rows.Count)];
            var start = Next(Math.Max(1, row.Count - quantity + 1));
            var block = row.Skip(start).Take(quantity).ToArray();
            if (block.Length == quantity && !block.Any(seen.Contains)) return block;
        }
        return null;
    }

    object Request(int quantity, out Guid[] seats, out string? section)
    {
        seats = [];
        section = null;
        if (NextDouble() < 0.2 || PickSeats(quantity) is not { } picked)
        {
            section = ev.StandingSection;
            return new { section = ev.StandingSection, quantity };
        }
        seats = picked;
        return new { seatIds = picked };
    }

    async Task<Granted?> TryHoldAsync(int buyer, bool greedy, int quantity)
    {
        var body = Request(quantity, out var seats, out var section);
        var (status, json, retryAfter) = await SendAsync(HttpMethod.Post, $"/api/performances/{ev.PerformanceId}/holds", tokens[buyer], body, "hold");
        if (greedy) Interlocked.Increment(ref greedyRequests); else Interlocked.Increment(ref humanRequests);
        if (status is 429 or 503)
        {
            // People wait as told; a greedy bot comes back at its own pace.
            if (!greedy) await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
            return null;
        }
        if (status != 201 || json is null) return null;
        var hold = new Granted(json["id"]!.GetValue<Guid>(), buyer, greedy,
            [.. json["seats"]!.AsArray().Select(s => s!["id"]!.GetValue<Guid>())], json["generalAdmission"]?["section"]?.GetValue<string>(),
            json["quantity"]!.GetValue<int>(), Stopwatch.GetTimestamp(), json["createdAt"]!.GetValue<DateTimeOffset>(), json["expiresAt"]!.GetValue<DateTimeOffset>());
        granted.Enqueue(hold);
        return hold;
    }

    TimeSpan Think(double scale = 1) => TimeSpan.FromSeconds(options.HumanThinkSeconds * scale * (0.5 + NextDouble()));

    async Task HumanAsync(int buyer, CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(NextDouble() * options.ArrivalSeconds), ct);
            var quantity = 1 + Next(4);
            for (var attempt = 0; attempt < 4 && !ct.IsCancellationRequested; attempt++)
            {
                if (await TryHoldAsync(buyer, greedy: false, quantity) is { } hold)
                {
                    await Task.Delay(Think(3), ct);
                    if (NextDouble() < options.AbandonShare)
                    {
                        hold.ReleaseSent = Stopwatch.GetTimestamp();
                        await SendAsync(HttpMethod.Delete, $"/api/holds/{hold.Id}", tokens[buyer], null);
                        Interlocked.Increment(ref humanRequests);
                    }
                    return;
                }
                await Task.Delay(Think(), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A scalper: as many as it can, as fast as a human's rate × 100 allows, never releasing.</summary>
    async Task GreedyAsync(int buyer, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await TryHoldAsync(buyer, greedy: true, 4);
                await Task.Delay(Think(0.01), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The holder reads its hold; a rate-limited buyer (a bot that spent its tokens) waits as told.</summary>
    async Task<(int Status, JsonNode? Body)> ReadHoldAsync(Granted hold)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (status, body, retryAfter) = await SendAsync(HttpMethod.Get, $"/api/holds/{hold.Id}", tokens[hold.Buyer], null);
            if (status != 429 || attempt == 10) return (status, body);
            await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(2));
        }
    }

    async Task CheckAsync(int greedyCount)
    {
        var all = granted.ToArray();

        // 1. No seat held by two buyers at once, as the client saw it: per seat, each grant arrived after
        // the previous holder sent its release (kept holds never release within the run).
        var overlaps = 0;
        foreach (var seat in all.SelectMany(g => g.Seats.Select(s => (Seat: s, Hold: g))).GroupBy(x => x.Seat))
        {
            var ordered = seat.Select(x => x.Hold).OrderBy(h => h.Received).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Received < ordered[i - 1].ReleaseSent) overlaps++;
        }
        // And in the final state: the live holds' seats are disjoint and are exactly what availability lists as held.
        var live = all.Where(g => g.ReleaseSent == long.MaxValue).ToList();
        var liveSeats = live.SelectMany(g => g.Seats).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // availability may be cached for 2 s
        var availability = JsonNode.Parse(await http.GetStringAsync($"/api/performances/{ev.PerformanceId}/availability"))!;
        var held = availability["seats"]!["held"]!.AsArray().Select(n => n!.GetValue<Guid>()).ToHashSet();
        var disjoint = liveSeats.Count == liveSeats.Distinct().Count();
        var matches = held.SetEquals(liveSeats);
        Check("No seat held by two buyers at once", overlaps == 0 && disjoint && matches,
            $"{all.Sum(g => g.Seats.Length)} seat grants, {overlaps} overlapping; {liveSeats.Count} seats in live holds, disjoint: {disjoint}; availability lists the same {held.Count} seats as held: {matches}");

        // 2. Every hold is released or live within its TTL.
        var holdMinutes = availability["holdMinutes"]!.GetValue<int>();
        var now = DateTimeOffset.UtcNow;
        var badLive = 0;
        foreach (var batch in live.Chunk(64))
            foreach (var (hold, status, body) in await Task.WhenAll(batch.Select(async h =>
            {
                var (status, body) = await ReadHoldAsync(h);
                return (h, status, body);
            })))
            {
                var expires = body?["expiresAt"]?.GetValue<DateTimeOffset>();
                if (status != 200 || expires is not { } e || e <= now || e - hold.CreatedAt > TimeSpan.FromMinutes(holdMinutes)) badLive++;
            }
        var released = all.Where(g => g.ReleaseSent != long.MaxValue).ToList();
        var badReleased = 0;
        foreach (var batch in released.Chunk(64))
            badReleased += (await Task.WhenAll(batch.Select(ReadHoldAsync))).Count(r => r.Status != 404);
        Check("Every hold released or live within its TTL", badLive == 0 && badReleased == 0,
            $"{live.Count} kept holds live and expiring within {holdMinutes} min of creation (bad: {badLive}); {released.Count} released holds gone (bad: {badReleased})");

        // 3. Standing never below zero: sampled every second during the run, and exact at the end.
        var remaining = availability["generalAdmission"]!.AsArray().Single(a => a!["section"]!.GetValue<string>() == ev.StandingSection)!["remaining"]!.GetValue<int>();
        var liveStanding = live.Where(g => g.Section is not null).Sum(g => g.Quantity);
        Check("General admission never negative", minStandingSeen >= 0 && remaining >= 0 && remaining == ev.StandingCapacity - liveStanding,
            $"lowest remaining seen {(minStandingSeen == int.MaxValue ? "n/a" : minStandingSeen)}, at the end {remaining} = {ev.StandingCapacity} − {liveStanding} held");

        // 4. A greedy client ends with no more than one human may hold.
        var greedyMax = live.Where(g => g.Greedy).GroupBy(g => g.Buyer).Select(g => g.Sum(h => h.Quantity)).DefaultIfEmpty(0).Max();
        var humanMax = live.Where(g => !g.Greedy).GroupBy(g => g.Buyer).Select(g => g.Sum(h => h.Quantity)).DefaultIfEmpty(0).Max();
        Check("A greedy client ends with no more tickets than one human", greedyMax <= ev.BuyerLimit,
            $"most held by one of {greedyCount} bots: {greedyMax}; the per-buyer limit a human gets: {ev.BuyerLimit} (most any human here held: {humanMax}); bot requests {greedyRequests} vs human {humanRequests}");

        checks.Add(("Admission in shuffle-then-FIFO order at the configured pace (±5%)", "NOT RUN — the waiting room is not in this build yet"));
        var flagged = live.Where(g => tokens[g.Buyer].Bot).Sum(g => g.Quantity);
        var inventory = ev.SeatCount + ev.StandingCapacity;
        var flaggedCount = tokens.Count(t => t.Bot);
        if (gated)
            Check("Devices flagged as bots hold < 1% of inventory", flagged < inventory / 100.0,
                $"{flaggedCount} bots whose device reported automation (BotD) hold {flagged} of {inventory} ({100.0 * flagged / inventory:F2} %); each of their holds needs a proof of work 100× harder and meets the per-account and per-device rate limits");
        else
            checks.Add(("Devices flagged as bots hold < 1% of inventory", "NOT RUN — this build has no bot defenses"));
    }
}
