using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Bench;

// The benchmark client (bench/README.md): sets up an event through the organizer API, signs in
// bulk-seeded buyers, drives holds or pings closed-loop or at a constant rate, and checks the
// hold state afterwards. bench/run.sh calls it; every figure goes to a JSON-lines results file.
var command = args.FirstOrDefault() ?? "help";
var options = Options.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "hash-password":
        Console.WriteLine(PasswordHash.V3(args[1]));
        return 0;
    case "setup":
    {
        var (ev, _) = await EventSetup.CreateWithTokenAsync(options.Url, options.Int("seats", 20_000), options.Int("standing", 5_000), options.Int("limit", 8),
            doorsOpenNow: options.Has("doors-open-now"));
        await ev.SaveAsync(options.Get("out"));
        Console.WriteLine($"performance {ev.PerformanceId}: {ev.SeatCount} seats, {ev.StandingCapacity} standing");
        return 0;
    }
    case "login":
    {
        var started = DateTime.UtcNow;
        var tokens = await Api.LoginBuyersAsync(options.Url, options.Int("first", 1), options.Int("count", 1000),
            options.Get("password", "bench-buyer-password-1"), options.Int("parallel", 16), options.Int("bots", 0));
        await File.WriteAllLinesAsync(options.Get("out"), tokens.Select(t => t.ToString()));
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tokens.Length} buyers signed in in {seconds:F1} s ({tokens.Length / seconds:F0}/s)"));
        return 0;
    }
    case "run":
        return await RunAsync(options);
    case "queue-setup":
        Console.WriteLine(await QueueBench.SetUpAsync(options.Url, BenchEvent.Load(options.Get("event")), options.Int("pace", 60)));
        return 0;
    case "queue":
        return await QueueAsync(options);
    case "admit":
    {
        var started = DateTime.UtcNow;
        var admitted = await QueueBench.AdmitAllAsync(options.Url, BenchEvent.Load(options.Get("event")), Buyer.Load(options.Get("tokens")), options.Int("parallel", 32));
        await File.WriteAllLinesAsync(options.Get("out"), admitted.Select(b => b.ToString()));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{admitted.Length} buyers queued and admitted in {(DateTime.UtcNow - started).TotalSeconds:F1} s"));
        return 0;
    }
    case "race":
        return await RaceAsync(options);
    case "checkout":
        return await CheckoutAsync(options);
    case "invoices":
        return await InvoicesAsync(options);
    case "report":
        Report.Print(options.Get("results"));
        return 0;
    case "targets":
        Report.Targets(options.Get("results"), double.Parse(options.Get("pgbench-tps"), CultureInfo.InvariantCulture));
        return 0;
    default:
        Console.Error.WriteLine("usage: Encore.Bench hash-password|setup|login|admit|run|race|queue-setup|queue|checkout|invoices|report [--option value]… (bench/README.md)");
        return 2;
}

static async Task<int> RunAsync(Options options)
{
    var workloadName = options.Get("workload");
    var connections = options.Int("connections", 64);
    using var http = Api.Client(options.Url, connections);
    Workload workload = workloadName == "ping"
        ? new PingWorkload(options.Get("path", "/api/ping"))
        : new HoldWorkload(BenchEvent.Load(options.Get("event")), workloadName, Buyer.Load(options.Get("tokens")), await BotGate.EnabledAsync(http));
    var warmup = TimeSpan.FromSeconds(options.Int("warmup", 5));
    var duration = TimeSpan.FromSeconds(options.Int("duration", 20));
    var mode = options.Get("mode", "max");
    double? rate = null;
    var result = mode == "max"
        ? await Driver.ClosedLoopAsync(http, workload, connections, warmup, duration)
        : await Driver.OpenLoopAsync(http, workload, (rate = Report.Rate(options)).Value, warmup, duration);

    var label = options.Get("label", $"{workloadName}-{mode}");
    Console.WriteLine($"== {label} ({workloadName}, {mode}{(rate is { } r ? string.Create(CultureInfo.InvariantCulture, $" at {r:F0}/s") : "")}, {connections} connections, {result.Seconds:F1} s)");
    foreach (var (kind, summary) in result.Summary) Console.WriteLine($"   {kind}: {summary}");
    var check = workload.Check();
    if (check.Length > 0) Console.WriteLine($"   check: {check}");
    var line = new JsonObject
    {
        ["label"] = label, ["workload"] = workloadName, ["mode"] = mode, ["rate"] = rate, ["connections"] = connections,
        ["seconds"] = result.Seconds, ["check"] = check,
        ["summary"] = JsonSerializer.SerializeToNode(result.Summary, Api.Json),
    };
    if (workload is HoldWorkload holds) line["overlaps"] = holds.Verify().Overlaps;
    await File.AppendAllTextAsync(options.Get("results", "results.jsonl"), line.ToJsonString() + "\n");
    return workload is HoldWorkload h && h.Verify().Overlaps > 0 ? 1 : 0;
}

// The waiting-room benchmarks: joins at the maximum (closed loop, each operation a new account),
// filling the queue with every account, and the counter push to many live lines.
static async Task<int> QueueAsync(Options options)
{
    var ev = BenchEvent.Load(options.Get("event"));
    var buyers = QueueBench.LoadBenchBuyers(options.Get("buyers-file"));
    var results = options.Get("results", "results.jsonl");
    switch (options.Get("mode"))
    {
        case "joins":
        {
            var connections = options.Int("connections", 64);
            using var http = Api.Client(options.Url, connections);
            var workload = new JoinWorkload(ev.EventId, buyers, await BotGate.EnabledAsync(http));
            var result = await Driver.ClosedLoopAsync(http, workload, connections, TimeSpan.FromSeconds(options.Int("warmup", 5)), TimeSpan.FromSeconds(options.Int("duration", 20)));
            await WriteClosedLoopAsync(results, options.Get("label", "queue-join-max"), "join", connections, result, "");
            return 0;
        }
        case "join-all":
        {
            var count = Math.Min(buyers.Length, options.Int("count", buyers.Length));
            using var http = Api.Client(options.Url, options.Int("parallel", 64));
            var started = Stopwatch.GetTimestamp();
            var joined = await QueueBench.JoinAllAsync(http, ev.EventId, buyers[..count], options.Int("parallel", 64));
            var seconds = Recorder.Millis(started, Stopwatch.GetTimestamp()) / 1000;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{joined} of {count} accounts in the queue ({seconds:F0} s, {joined / seconds:F0} joins/s)"));
            return joined == count ? 0 : 1;
        }
        case "push":
        {
            var urls = options.Get("urls").Split(',');
            var pids = options.Get("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
            var count = Math.Min(buyers.Length, options.Int("connections", 10_000));
            var line = await QueueBench.PushAsync(urls, ev.EventId, buyers[..count], options.Int("duration", 30), pids);
            Console.WriteLine($"== queue-push: {line["check"]}");
            await File.AppendAllTextAsync(results, line.ToJsonString() + "\n");
            return 0;
        }
        default:
            throw new ArgumentException("--mode joins|join-all|push");
    }
}

// Checkout: orders prepared (not measured), then the pay call at the maximum; the tickets those
// payments issued scanned at the maximum; then offline verification per core (bench/README.md).
static async Task<int> CheckoutAsync(Options options)
{
    var ev = BenchEvent.Load(options.Get("event"));
    var buyers = Buyer.Load(options.Get("tokens"));
    var connections = options.Int("connections", 64);
    var results = options.Get("results", "results.jsonl");
    var warmup = TimeSpan.FromSeconds(options.Int("warmup", 5));
    var duration = TimeSpan.FromSeconds(options.Int("duration", 20));
    using var http = Api.Client(options.Url, Math.Max(connections, 64));
    http.Timeout = TimeSpan.FromMinutes(2);

    Task WriteAsync(string label, string workload, (IReadOnlyDictionary<string, KindSummary> Summary, double Seconds) run, string check) =>
        WriteClosedLoopAsync(results, label, workload, connections, run, check);

    var started = Stopwatch.GetTimestamp();
    var orders = await CheckoutBench.PrepareAsync(http, ev, buyers, options.Int("orders", 4000), await BotGate.EnabledAsync(http), options.Int("parallel", 32));
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench] {orders.Count} orders prepared in {Recorder.Millis(started, Stopwatch.GetTimestamp()) / 1000:F0} s"));
    var pay = new PayWorkload(orders);
    var payRun = await Driver.ClosedLoopAsync(http, pay, connections, warmup, duration);
    var payLabel = options.Get("label", "checkout") + "-pay-max";
    await WriteAsync(payLabel, "pay", payRun, pay.Check());

    // Tickets are issued from Orders' event through the outbox after the pay call answers: wait for
    // every paid order's tickets (2 seats per order), then scan them all.
    var waited = Stopwatch.GetTimestamp();
    var (expected, issued) = await CheckoutBench.WaitForTicketsAsync(http, pay.Paid.ToList(), 2, TimeSpan.FromSeconds(options.Int("tickets-timeout", 180)), options.Int("parallel", 32));
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench] {issued} of {expected} tickets of the paid orders issued after {Recorder.Millis(waited, Stopwatch.GetTimestamp()) / 1000:F0} s"));
    var codes = await CheckoutBench.CodesAsync(http, pay.Paid, options.Int("parallel", 32));
    if (codes.Count == 0) { Console.Error.WriteLine("[bench] no ticket codes: nothing to scan"); return 1; }
    var token = await CheckoutBench.ScannerTokenAsync(http, ev.EventId, "Bench gate");
    var scan = new ScanWorkload(ev.EventId, codes, token);
    // The app instances' CPU per scan (--pids): a cost that does not depend on what else the machine runs.
    var pids = options.Get("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
    var (quiet, share) = await CheckoutBench.WaitQuietAsync(pids, TimeSpan.FromSeconds(120));
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[bench] waited {quiet:F0} s for the instances' background work (mail) to end; they used {share * 100:F0} % of a core between them at the end"));
    await scan.WarmAsync(http, connections, warmup);
    (double Cpu, long Scans) Mark() => (pids.Sum(CheckoutBench.CpuSeconds), scan.Scans);
    string CpuPerScan((double Cpu, long Scans) from) => pids.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
        $"; app CPU per scan {(pids.Sum(CheckoutBench.CpuSeconds) - from.Cpu) * 1e6 / Math.Max(1, scan.Scans - from.Scans):F0} µs over {pids.Count} instances");
    // First admissions: each code once. Then duplicates at the maximum: every ticket is in by then.
    var mark = Mark();
    var firstRun = await scan.FirstPassAsync(http, connections);
    await WriteAsync(options.Get("label", "checkout") + "-scan-first", "scan-first", firstRun, scan.Check() + CpuPerScan(mark));
    mark = Mark();
    var scanRun = await Driver.ClosedLoopAsync(http, scan, connections, warmup, duration);
    await WriteAsync(options.Get("label", "checkout") + "-scan-max", "scan", scanRun, scan.Check() + CpuPerScan(mark));
    var scanFailed = issued < expected || codes.Count < issued || scan.AdmittedInAll != codes.Count;
    if (scanFailed) Console.Error.WriteLine($"[bench] scan check failed: {issued} of {expected} tickets issued, {codes.Count} codes, {scan.AdmittedInAll} admitted (each code must admit exactly once)");

    using var bundleRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/scanner/events/{ev.EventId}/offline");
    bundleRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    bundleRequest.Headers.Add("X-Forwarded-Proto", "https");
    using var bundleResponse = await http.SendAsync(bundleRequest);
    var bundle = JsonNode.Parse(await bundleResponse.Content.ReadAsStringAsync())!;
    await CheckoutBench.WaitQuietAsync(pids, TimeSpan.FromSeconds(30));
    var seconds = options.Int("verify-seconds", 10);
    foreach (var threads in new[] { 1, Environment.ProcessorCount })
    {
        var (perCore, perCpuSecond, total, n, failed) = CheckoutBench.VerifyOffline(bundle, codes, seconds, threads);
        var check = string.Create(CultureInfo.InvariantCulture, $"{perCore:F0} verifications/s per thread (wall), {perCpuSecond:F0} per CPU-second, {total:F0}/s on {n} threads ({Environment.ProcessorCount} cores), {codes.Count} codes, failed: {failed}");
        Console.WriteLine($"== offline-verify-{n}t: {check}");
        await File.AppendAllTextAsync(results, new JsonObject { ["label"] = $"offline-verify-{n}t", ["workload"] = "offline-verify", ["check"] = check, ["perCore"] = perCore, ["perCpuSecond"] = perCpuSecond }.ToJsonString() + "\n");
        if (failed > 0) return 1;
    }
    return scanFailed ? 1 : 0;
}

// One seller's invoices at the maximum, their numbers checked 1…n (bench/README.md, step 17).
static async Task<int> InvoicesAsync(Options options)
{
    using var http = Api.Client(options.Url, 128);
    var admin = await Api.LoginAsync(http, "admin@encore.test", EventSetup.DemoPassword, EventSetup.DemoAuthenticatorKey);
    var connections = options.Int("connections", 64);
    var workload = new InvoiceWorkload(admin);
    var run = await Driver.ClosedLoopAsync(http, workload, connections, TimeSpan.FromSeconds(options.Int("warmup", 5)), TimeSpan.FromSeconds(options.Int("duration", 10)));
    await WriteClosedLoopAsync(options.Get("results", "results.jsonl"), options.Get("label", "invoices-one-seller"), "invoices", connections, run, workload.Check());
    return workload.Gapless ? 0 : 1;
}

// A closed-loop run at the maximum: printed, and appended to the results file as one JSON line.
static async Task WriteClosedLoopAsync(string results, string label, string workload, int connections,
    (IReadOnlyDictionary<string, KindSummary> Summary, double Seconds) run, string check)
{
    Console.WriteLine($"== {label} ({workload}, max, {connections} connections, {run.Seconds:F1} s)");
    foreach (var (kind, summary) in run.Summary) Console.WriteLine($"   {kind}: {summary}");
    if (check.Length > 0) Console.WriteLine($"   check: {check}");
    await File.AppendAllTextAsync(results, new JsonObject
    {
        ["label"] = label, ["workload"] = workload, ["mode"] = "max", ["connections"] = connections, ["seconds"] = run.Seconds, ["check"] = check,
        ["summary"] = JsonSerializer.SerializeToNode(run.Summary, Api.Json),
    }.ToJsonString() + "\n");
}

// Many buyers at once for the same few seats, then for more standing places than exist; then the
// hold state is read back through the API: one holder per seat, standing never below zero, and
// nothing left behind once the winners release.
static async Task<int> RaceAsync(Options options)
{
    var ev = BenchEvent.Load(options.Get("event"));
    var tokens = Buyer.Load(options.Get("tokens"));
    using var http = Api.Client(options.Url, 128);
    var failures = new List<string>();
    var gated = await BotGate.EnabledAsync(http);
    var hot = ev.Blocks(1).TakeLast(options.Int("seats", 50)).Select(b => b[0]).ToList();
    var perSeat = options.Int("per-seat", 20);
    if (tokens.Length < perSeat * 2) throw new InvalidOperationException("Too few buyer tokens for the race.");

    async Task<(int Status, JsonNode? Body, Buyer Token)> HoldAsync(Buyer token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{ev.PerformanceId}/holds") { Content = Body(body) };
        token.Apply(request);
        try
        {
            if (gated) request.Headers.Add(Altcha.Header, await Altcha.SolveAsync(http, token, "hold"));
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, null, token);
        }
    }

    // Each seat: perSeat different buyers at the same moment.
    var seatRace = await Task.WhenAll(hot.SelectMany((seat, i) => Enumerable.Range(0, perSeat)
        .Select(k => HoldAsync(tokens[(i * perSeat + k) % tokens.Length], new { seatIds = new[] { seat } }))));
    var winners = seatRace.Where(r => r.Status == 201).ToList();
    var bySeat = winners.GroupBy(w => w.Body!["seats"]![0]!["id"]!.GetValue<Guid>()).ToDictionary(g => g.Key, g => g.Count());
    if (hot.Any(s => bySeat.GetValueOrDefault(s) != 1))
        failures.Add($"seat race: {hot.Count(s => bySeat.GetValueOrDefault(s) != 1)} seats without exactly one winner");
    var unexpected = seatRace.Count(r => r.Status is not (201 or 409));
    if (unexpected > 0) failures.Add($"seat race: {unexpected} answers other than 201/409");

    // Standing: more requests of 2 than the area holds.
    var requests = ev.StandingCapacity / 2 + options.Int("standing-extra", 500);
    var standing = new List<(int Status, JsonNode? Body, Buyer Token)>();
    foreach (var batch in Enumerable.Range(0, requests).Chunk(256))
        standing.AddRange(await Task.WhenAll(batch.Select(i => HoldAsync(tokens[(hot.Count * perSeat + i) % tokens.Length], new { section = ev.StandingSection, quantity = 2 }))));
    var gaPlaced = standing.Where(r => r.Status == 201).ToList();
    if (gaPlaced.Count * 2 > ev.StandingCapacity) failures.Add($"standing: {gaPlaced.Count * 2} places held of {ev.StandingCapacity}");
    var overLimit = standing.Count(r => r.Status == 409 && r.Body?["title"]?.GetValue<string>() == "Ticket limit reached");

    var availability = JsonNode.Parse(await http.GetStringAsync($"/api/performances/{ev.PerformanceId}/availability"))!;
    var held = availability["seats"]!["held"]!.AsArray().Select(n => n!.GetValue<Guid>()).ToHashSet();
    var remaining = availability["generalAdmission"]!.AsArray().Single(a => a!["section"]!.GetValue<string>() == ev.StandingSection)!["remaining"]!.GetValue<int>();
    if (!hot.All(held.Contains)) failures.Add("availability does not list every won seat as held");
    if (remaining < 0 || remaining != ev.StandingCapacity - gaPlaced.Count * 2)
        failures.Add($"standing remaining {remaining}, expected {ev.StandingCapacity - gaPlaced.Count * 2}");

    // Read every winning hold back as its holder: the seat is theirs.
    foreach (var w in winners)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/holds/{w.Body!["id"]}");
        w.Token.Apply(request);
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode != 200) failures.Add($"hold {w.Body["id"]} not readable by its holder ({(int)response.StatusCode})");
    }

    // Release everything; nothing may stay held.
    foreach (var w in winners.Concat(gaPlaced))
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/holds/{w.Body!["id"]}");
        w.Token.Apply(request);
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode != 204) failures.Add($"release of {w.Body["id"]}: {(int)response.StatusCode}");
    }
    await Task.Delay(TimeSpan.FromSeconds(3)); // the availability answer may be cached for 2 s
    var after = JsonNode.Parse(await http.GetStringAsync($"/api/performances/{ev.PerformanceId}/availability"))!;
    var heldAfter = after["seats"]!["held"]!.AsArray().Count;
    var remainingAfter = after["generalAdmission"]!.AsArray().Single(a => a!["section"]!.GetValue<string>() == ev.StandingSection)!["remaining"]!.GetValue<int>();
    if (heldAfter != 0) failures.Add($"{heldAfter} seats still held after every hold was released");
    if (remainingAfter != ev.StandingCapacity) failures.Add($"standing remaining {remainingAfter} of {ev.StandingCapacity} after release");

    var text = $"seat race: {hot.Count} seats × {perSeat} buyers → {winners.Count} winners; standing: {requests} requests of 2 for {ev.StandingCapacity} places → {gaPlaced.Count} placed ({overLimit} over the buyer limit), remaining {remaining}; after release: {heldAfter} seats held, {remainingAfter} standing left; " +
        (failures.Count == 0 ? "all checks passed" : "FAILED: " + string.Join("; ", failures));
    Console.WriteLine($"== {options.Get("label", "race")}: {text}");
    await File.AppendAllTextAsync(options.Get("results", "results.jsonl"),
        new JsonObject { ["label"] = options.Get("label", "race"), ["workload"] = "race", ["check"] = text, ["failed"] = failures.Count > 0 }.ToJsonString() + "\n");
    return failures.Count == 0 ? 0 : 1;
}

static StringContent Body(object body) => new(JsonSerializer.Serialize(body, Api.Json), Encoding.UTF8, "application/json");

internal sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
            if (args[i].StartsWith("--", StringComparison.Ordinal))
                values[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        return new Options(values);
    }

    public string Url => Get("url", "http://127.0.0.1:8080");
    public string Get(string key, string? fallback = null) =>
        values.TryGetValue(key, out var v) ? v : fallback ?? throw new ArgumentException($"--{key} is required.");
    public int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public bool Has(string key) => values.ContainsKey(key);
}
