using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>An order waiting for its payment: whose, which.</summary>
public sealed record OpenOrder(Buyer Buyer, Guid OrderId);

/// <summary>
/// The checkout benchmarks (bench/README.md, "Checkout"): orders prepared beforehand (hold + create,
/// not measured), then the pay call alone — authorize with the simulated gateway, one durable
/// transaction (tickets' seats, order paid, ledger, outbox), capture — as many as the connections
/// carry; then gate scans (verify + the atomic check-in) of the tickets those payments issued; and the
/// ES256 verification a scanner does offline, per core.
/// </summary>
public static class CheckoutBench
{
    static StringContent Json(object body) => new(JsonSerializer.Serialize(body, Api.Json), Encoding.UTF8, "application/json");

    /// <summary>Holds 2 adjacent seats and creates the order, <paramref name="count"/> times, buyers taken round robin (2 orders each at most keep under the per-buyer limit).</summary>
    public static async Task<List<OpenOrder>> PrepareAsync(HttpClient http, BenchEvent ev, Buyer[] buyers, int count, bool gated, int parallel)
    {
        var blocks = new ConcurrentQueue<Guid[]>(ev.Blocks(2));
        var orders = new ConcurrentBag<OpenOrder>();
        var failures = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
        {
            var buyer = buyers[i % buyers.Length];
            if (!blocks.TryDequeue(out var seats)) return;
            using var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{ev.PerformanceId}/holds") { Content = Json(new { seatIds = seats }) };
            buyer.Apply(hold);
            if (gated) hold.Headers.Add(Altcha.Header, await Altcha.SolveAsync(http, buyer, "hold", ct));
            using var held = await http.SendAsync(hold, ct);
            if ((int)held.StatusCode != 201) { failures.AddOrUpdate($"hold {(int)held.StatusCode}", 1, (_, n) => n + 1); return; }
            var holdId = JsonNode.Parse(await held.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<Guid>();
            using var create = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = Json(new { holdId }) };
            buyer.Apply(create);
            create.Headers.Add("Idempotency-Key", $"bench-order-{holdId:N}");
            using var created = await http.SendAsync(create, ct);
            if ((int)created.StatusCode != 201) { failures.AddOrUpdate($"order {(int)created.StatusCode}", 1, (_, n) => n + 1); return; }
            orders.Add(new OpenOrder(buyer, JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<Guid>()));
        });
        if (!failures.IsEmpty) Console.Error.WriteLine($"[bench] preparing orders: {string.Join(", ", failures.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        return [.. orders];
    }

    /// <summary>
    /// Tickets are issued from Orders' event through the outbox, after the pay call answered: waits
    /// until each buyer holds <paramref name="perOrder"/> tickets per paid order, or the timeout.
    /// Answers how many tickets were expected and how many exist. The outbox delivers in the order
    /// the payments committed, so only the last buyers to pay are asked until theirs are there, then
    /// everyone: asking every buyer again each second, as this did before, was a load of its own on
    /// the instances it was timing (thousands of ticket lists a minute).
    /// </summary>
    public static async Task<(int Expected, int Issued)> WaitForTicketsAsync(HttpClient http, IReadOnlyList<Buyer> paidInOrder, int perOrder, TimeSpan timeout, int parallel)
    {
        var expected = paidInOrder.GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count() * perOrder);
        var issued = new ConcurrentDictionary<Buyer, int>();
        var deadline = Stopwatch.StartNew();
        async Task AskAsync(IEnumerable<Buyer> buyers) =>
            await Parallel.ForEachAsync(buyers, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (buyer, ct) =>
            {
                using var list = new HttpRequestMessage(HttpMethod.Get, "/api/tickets");
                buyer.Apply(list);
                using var listed = await http.SendAsync(list, ct);
                if (listed.IsSuccessStatusCode) issued[buyer] = JsonNode.Parse(await listed.Content.ReadAsStringAsync(ct))!.AsArray().Count;
            });
        List<Buyer> Missing(IEnumerable<Buyer> buyers) => buyers.Where(b => issued.GetValueOrDefault(b) < expected[b]).ToList();

        // The last payers first, then everyone: each group asked again each second while some lack theirs.
        foreach (var group in new[] { paidInOrder.Reverse().Distinct().Take(8).ToList(), expected.Keys.ToList() })
            while (Missing(group) is { Count: > 0 } missing && deadline.Elapsed < timeout)
            {
                await AskAsync(missing);
                if (Missing(group).Count > 0) await Task.Delay(TimeSpan.FromSeconds(1));
            }
        return (expected.Values.Sum(), expected.Keys.Sum(b => Math.Min(issued.GetValueOrDefault(b), expected[b])));
    }

    /// <summary>Each buyer's tickets and their current codes (static codes: the benchmark event does not require rotating ones).</summary>
    public static async Task<List<string>> CodesAsync(HttpClient http, IEnumerable<Buyer> buyers, int parallel)
    {
        var codes = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(buyers.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (buyer, ct) =>
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, "/api/tickets");
            buyer.Apply(list);
            using var listed = await http.SendAsync(list, ct);
            foreach (var t in JsonNode.Parse(await listed.Content.ReadAsStringAsync(ct))!.AsArray())
            {
                using var code = new HttpRequestMessage(HttpMethod.Get, $"/api/tickets/{t!["id"]!.GetValue<Guid>()}/code");
                buyer.Apply(code);
                using var answer = await http.SendAsync(code, ct);
                if (answer.IsSuccessStatusCode) codes.Add(JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!["code"]!.GetValue<string>());
            }
        });
        return [.. codes];
    }

    /// <summary>CPU seconds (user + system) a process has used so far, from /proc; 0 when it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the line (11 and 12 after the name), in clock ticks of 1/100 s.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException) { return 0; }
    }

    /// <summary>
    /// Waits until the app instances use less than 10 % of a core each (the outbox still mails
    /// tickets, with their PDFs, after they exist), or the timeout: the scans and the offline
    /// verification are then measured without the instances' background work. An instance with
    /// nothing to do uses about 3.3 % of a core polling (bench/run.sh's idle step), so a bar of 5 %
    /// for all three together was never reached and every run waited the whole timeout. Answers the
    /// seconds waited and the instances' last measured share of a core, summed.
    /// </summary>
    public static async Task<(double Seconds, double CoreShare)> WaitQuietAsync(IReadOnlyList<int> pids, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        if (pids.Count == 0) return (0, 0);
        var share = double.NaN;
        while (waited.Elapsed < timeout)
        {
            var before = pids.Sum(CpuSeconds);
            await Task.Delay(TimeSpan.FromSeconds(2));
            share = (pids.Sum(CpuSeconds) - before) / 2;
            if (share < 0.10 * pids.Count) break;
        }
        return (waited.Elapsed.TotalSeconds, share);
    }

    /// <summary>The organizer registers a gate device; the device gets its token by client credentials.</summary>
    public static async Task<string> ScannerTokenAsync(HttpClient http, Guid eventId, string name)
    {
        var organizer = await Api.LoginAsync(http, EventSetup.Organizer, EventSetup.DemoPassword, EventSetup.DemoAuthenticatorKey);
        var device = await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/scanner-devices", organizer, new { name });
        // OpenIddict serves tokens only over HTTPS outside Development; here TLS would end at the load
        // balancer, which says so in X-Forwarded-Proto (believed from loopback, docs/oidc.md).
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/token");
        tokenRequest.Headers.Add("X-Forwarded-Proto", "https");
        tokenRequest.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = device["clientId"]!.GetValue<string>(),
            ["client_secret"] = device["clientSecret"]!.GetValue<string>(),
            ["scope"] = "encore_api",
        });
        using var response = await http.SendAsync(tokenRequest);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"scanner token: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
    }

    /// <summary>
    /// Offline verification as a gate device does it from the bundle: decode, find the key by kid,
    /// check the ES256 signature. One thread per core for <paramref name="seconds"/>; answers verifications
    /// per second per thread (wall clock) and per CPU-second of this process, which on a shared machine
    /// is the per-core figure (the threads do not get whole cores while the neighbours run).
    /// </summary>
    public static (double PerCore, double PerCpuSecond, double Total, int Threads, long Failed) VerifyOffline(JsonNode bundle, IReadOnlyList<string> codes, double seconds, int threads)
    {
        var jwks = bundle["keys"]!["keys"]!.AsArray().ToDictionary(k => k!["kid"]!.GetValue<string>(), k => (
            X: Base64Url.DecodeFromChars(k!["x"]!.GetValue<string>()), Y: Base64Url.DecodeFromChars(k["y"]!.GetValue<string>())));
        long total = 0, failed = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(w => new Thread(() =>
        {
            // Each thread keeps its own key objects, as a device's scanning loop would.
            var keys = jwks.ToDictionary(kv => kv.Key, kv => ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = kv.Value.X, Y = kv.Value.Y },
            }));
            long n = 0, bad = 0;
            var end = TimeSpan.FromSeconds(seconds);
            for (var i = w; stopwatch.Elapsed < end; i++)
            {
                var bytes = Base64Url.DecodeFromChars(codes[i % codes.Count]);
                var kid = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)).ToString("x8", CultureInfo.InvariantCulture);
                var ok = bytes.Length >= 120 && keys.TryGetValue(kid, out var key)
                    && key.VerifyData(bytes.AsSpan(0, 56), bytes.AsSpan(56, 64), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                n++;
                if (!ok) bad++;
            }
            Interlocked.Add(ref total, n);
            Interlocked.Add(ref failed, bad);
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        return (total / elapsed / threads, total / cpu, total / elapsed, threads, failed);
    }
}

/// <summary>One pay call per operation, on orders prepared beforehand (pm_card_visa: authorized, then captured).</summary>
public sealed class PayWorkload(IEnumerable<OpenOrder> orders) : Workload
{
    readonly ConcurrentQueue<OpenOrder> open = new(orders);
    /// <summary>Whose orders were paid, in the order the answers came.</summary>
    public readonly ConcurrentQueue<Buyer> Paid = [];
    long notPaid, exhausted;

    public override async Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct)
    {
        if (!open.TryDequeue(out var order))
        {
            Interlocked.Increment(ref exhausted);
            await Task.Delay(5, ct);
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{order.OrderId}/pay")
        {
            Content = new StringContent("{\"paymentMethod\":\"pm_card_visa\",\"billingCountry\":\"GB\"}", Encoding.UTF8, "application/json"),
        };
        order.Buyer.Apply(request);
        request.Headers.Add("Idempotency-Key", $"bench-pay-{order.OrderId:N}");
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            var state = status == 200 ? JsonNode.Parse(text)?["status"]?.GetValue<string>() : null;
            // A 200 that is not paid (a decline, a challenge) is not a confirmed purchase: counted apart.
            recorder.Add(state is "paid" or "fulfilled" ? "pay" : "pay-not-paid", status, intended);
            if (state is "paid" or "fulfilled") Paid.Enqueue(order.Buyer);
            else Interlocked.Increment(ref notPaid);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            recorder.Add("pay", 0, intended);
        }
    }

    public override string Check() =>
        $"paid {Paid.Count}; answered without being paid: {Interlocked.Read(ref notPaid)}; operations with no prepared order left: {Interlocked.Read(ref exhausted)}";
}

/// <summary>
/// Online scans (verify + the conditional check-in UPDATE). <see cref="FirstPassAsync"/> scans each
/// code once (first admissions); <see cref="RunAsync"/> takes the codes in turn for as long as the
/// driver runs, so after a first pass every scan is a duplicate (the same verify, the UPDATE matching
/// no row, the answer saying when and where it was first admitted). Every scan is recorded as "scan";
/// admissions and duplicates also apart ("scan-admitted", "scan-duplicate").
/// </summary>
public sealed class ScanWorkload(Guid eventId, IReadOnlyList<string> codes, string token) : Workload
{
    readonly ConcurrentDictionary<string, long> outcomes = new();
    readonly ConcurrentDictionary<string, long> everything = new();
    long next = -1, scans;

    /// <summary>Scans answered so far, warm-ups included (for CPU per scan).</summary>
    public long Scans => Interlocked.Read(ref scans);

    public override Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct) =>
        ScanAsync(http, recorder, codes[(int)(Interlocked.Increment(ref next) % codes.Count)], null, intended, ct);

    /// <summary>Each code once, on <paramref name="workers"/> connections; the rate is codes over the pass's wall time.</summary>
    public async Task<(IReadOnlyDictionary<string, KindSummary> Summary, double Seconds)> FirstPassAsync(HttpClient http, int workers)
    {
        var recorder = new Recorder();
        outcomes.Clear();
        long taken = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref taken); i < codes.Count; i = Interlocked.Increment(ref taken))
                await ScanAsync(http, recorder, codes[(int)i], null, Stopwatch.GetTimestamp(), CancellationToken.None);
        })));
        var seconds = Recorder.Millis(started, Stopwatch.GetTimestamp()) / 1000;
        return (recorder.Summarize(seconds), seconds);
    }

    /// <summary>Warms the path (token, key, signature, schedule) without admitting anyone: each code at a performance it is not for.</summary>
    public async Task WarmAsync(HttpClient http, int workers, TimeSpan duration)
    {
        var recorder = new Recorder { Recording = false };
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; until.Elapsed < duration; i += workers)
                await ScanAsync(http, recorder, codes[i % codes.Count], Guid.Empty, Stopwatch.GetTimestamp(), CancellationToken.None);
        })));
        outcomes.Clear();
    }

    async Task ScanAsync(HttpClient http, Recorder recorder, string code, Guid? performanceId, long intended, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/scanner/events/{eventId}/scans")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { code, gate = "Bench gate", performanceId }, Api.Json), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Forwarded-Proto", "https"); // the device's token is checked only over HTTPS (see ScannerTokenAsync)
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var outcome = response.IsSuccessStatusCode ? JsonNode.Parse(text)?["outcome"]?.GetValue<string>() ?? "?" : $"{(int)response.StatusCode}";
            everything.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            Interlocked.Increment(ref scans);
            if (recorder.Recording) outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            recorder.Add("scan", (int)response.StatusCode, intended);
            if (outcome is "Admitted") recorder.Add("scan-admitted", (int)response.StatusCode, intended);
            else if (outcome is "AlreadyAdmitted") recorder.Add("scan-duplicate", (int)response.StatusCode, intended);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            recorder.Add("scan", 0, intended);
        }
    }

    /// <summary>Admitted scans over the whole run (warm-up included): each code exactly once when every ticket admits once.</summary>
    public long AdmittedInAll => everything.GetValueOrDefault("Admitted");

    public override string Check() =>
        $"{codes.Count} distinct codes; outcomes while measured: {string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}; admitted in all so far: {AdmittedInAll}";
}
