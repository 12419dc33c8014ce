using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>The waiting-room benchmarks (bench/README.md, "queue"): joins at the maximum, filling a queue, the counter push to live connections.</summary>
public static class QueueBench
{
    /// <summary>Buyers from a bench-buyers file (number, user id, e-mail, token): the bearer token only, no device cookie yet.</summary>
    public static Buyer[] LoadBenchBuyers(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => new Buyer(l.Split('\t')[3], null, false))];

    /// <summary>A waiting room for the event in pace mode: pre-queue opens in 8 s (past the settings caches), start 2 s later; nobody is skipped within the hour.</summary>
    public static async Task<string> SetUpAsync(string baseUrl, BenchEvent ev, int pace, int tokenMinutes = 10)
    {
        using var http = Api.Client(baseUrl, 4);
        var token = await Api.LoginAsync(http, EventSetup.Organizer, EventSetup.DemoPassword, EventSetup.DemoAuthenticatorKey);
        var opens = DateTimeOffset.UtcNow.AddSeconds(8);
        await Api.SendAsync(http, HttpMethod.Put, $"/api/organizer/events/{ev.EventId}/waiting-room", token, new
        {
            startsAt = opens.AddSeconds(2), preQueueOpensAt = opens, mode = "Pace", admitPerMinute = pace, tokenMinutes,
            checkInSeconds = 3600, maxQueueSize = 10_000_000,
        });
        await Task.Delay(opens.AddSeconds(3) - DateTimeOffset.UtcNow);
        return $"waiting room for {ev.EventId}: pace {pace}/min, open from {opens:HH:mm:ss}";
    }

    /// <summary>Joins every buyer once, <paramref name="parallel"/> at a time; returns how many joined.</summary>
    public static async Task<int> JoinAllAsync(HttpClient http, Guid eventId, IReadOnlyList<Buyer> buyers, int parallel)
    {
        var joined = 0;
        await Parallel.ForEachAsync(buyers, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (buyer, ct) =>
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                try
                {
                    var (status, _) = await JoinWorkload.JoinAsync(http, eventId, buyer, ct);
                    if (status is 200 or 201)
                    {
                        if (Interlocked.Increment(ref joined) % 10_000 == 0) Console.Error.WriteLine($"  {joined} joined");
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        });
        return joined;
    }

    /// <summary>
    /// Puts the event behind a waiting room that admits as fast as the organizer API allows, for an
    /// hour, then has every buyer join and poll until admitted: the buyers returned carry their
    /// admission tokens, so each hold passes the admission gate as a real one does.
    /// </summary>
    public static async Task<Buyer[]> AdmitAllAsync(string baseUrl, BenchEvent ev, IReadOnlyList<Buyer> buyers, int parallel)
    {
        Console.Error.WriteLine(await SetUpAsync(baseUrl, ev, pace: 100_000, tokenMinutes: 60));
        using var http = Api.Client(baseUrl, parallel);
        var joined = await JoinAllAsync(http, ev.EventId, buyers, parallel);
        if (joined != buyers.Count) throw new InvalidOperationException($"only {joined} of {buyers.Count} buyers joined the queue");
        var admitted = new Buyer[buyers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, buyers.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
        {
            for (var attempt = 0; attempt < 120; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/waiting-room/{ev.EventId}/status");
                buyers[i].Apply(request);
                using var response = await http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"queue status: {(int)response.StatusCode} {text}");
                if (JsonNode.Parse(text)?["admissionToken"]?.GetValue<string>() is { } token)
                {
                    admitted[i] = buyers[i] with { Admission = token };
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            throw new InvalidOperationException($"buyer {i} was not admitted within a minute");
        });
        return admitted;
    }

    /// <summary>Resident memory of a process, from /proc (MiB).</summary>
    public static double RssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// Opens one WebSocket line per buyer (already in the queue), spread over the instances, then for
    /// <paramref name="seconds"/> records for every counter frame the time from the counter's move (the
    /// frame's <c>at</c>, the advancing instance's clock) to its receipt here (same machine, same clock).
    /// </summary>
    public static async Task<JsonObject> PushAsync(IReadOnlyList<string> urls, Guid eventId, IReadOnlyList<Buyer> buyers, int seconds, IReadOnlyList<int> pids)
    {
        var latencies = new ConcurrentQueue<long>();
        var frames = 0L;
        var failedOpen = 0;
        var recording = false;
        var sockets = new ClientWebSocket[buyers.Count];
        using var stop = new CancellationTokenSource();
        var connectStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, buyers.Count), new ParallelOptions { MaxDegreeOfParallelism = 100 }, async (i, ct) =>
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + buyers[i].Token);
            socket.Options.SetRequestHeader("User-Agent", Buyer.UserAgent);
            socket.Options.SetRequestHeader("Accept-Language", "en-GB,en;q=0.8");
            var uri = new UriBuilder(new Uri(new Uri(urls[i % urls.Count]), $"/api/waiting-room/{eventId}/live")) { Scheme = "ws" }.Uri;
            try
            {
                await socket.ConnectAsync(uri, ct);
                sockets[i] = socket;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                Interlocked.Increment(ref failedOpen);
                socket.Dispose();
            }
        });
        var connectSeconds = Recorder.Millis(connectStarted, Stopwatch.GetTimestamp()) / 1000;
        var open = sockets.Where(s => s is not null).ToArray();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {open.Length} live lines open in {connectSeconds:F1} s ({failedOpen} failed)"));

        var readers = open.Select(socket => Task.Run(async () =>
        {
            var buffer = new byte[8 * 1024];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var received = await socket.ReceiveAsync(buffer.AsMemory(), stop.Token);
                    var receivedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    if (received.MessageType == WebSocketMessageType.Close) return;
                    if (!recording || !received.EndOfMessage) continue;
                    // {"type":"counter",…,"at":…}: read "at" without parsing the whole frame.
                    var text = Encoding.UTF8.GetString(buffer, 0, received.Count);
                    if (!text.StartsWith("{\"type\":\"counter\"", StringComparison.Ordinal)) continue;
                    var at = text.IndexOf("\"at\":", StringComparison.Ordinal);
                    if (at < 0) continue;
                    var end = at + 5;
                    while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
                    latencies.Enqueue(receivedMs - long.Parse(text.AsSpan(at + 5, end - at - 5), CultureInfo.InvariantCulture));
                    Interlocked.Increment(ref frames);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        })).ToList();

        // Let the connect burst settle, then measure.
        await Task.Delay(TimeSpan.FromSeconds(3));
        recording = true;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        recording = false;
        var stillOpen = open.Count(s => s.State == WebSocketState.Open);
        var rss = pids.Select(RssMiB).ToArray();
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        foreach (var socket in open) socket.Abort();

        var sorted = latencies.Select(v => (double)v).Order().ToArray();
        var p = Percentiles.Of(sorted);
        return new JsonObject
        {
            ["label"] = "queue-push", ["workload"] = "push", ["connections"] = open.Length, ["failedOpen"] = failedOpen,
            ["stillOpen"] = stillOpen, ["seconds"] = seconds, ["frames"] = frames, ["connectSeconds"] = connectSeconds,
            ["p50"] = p.P50, ["p90"] = p.P90, ["p99"] = p.P99, ["p999"] = p.P999, ["max"] = p.Max,
            ["rssMiB"] = new JsonArray([.. rss.Select(r => (JsonNode)JsonValue.Create(Math.Round(r)))]),
            ["check"] = string.Create(CultureInfo.InvariantCulture,
                $"{open.Length} WebSocket lines over {urls.Count} instances ({failedOpen} failed to open, {stillOpen} open at the end), {frames} counter frames in {seconds} s; " +
                $"push latency from the counter's move: p50 {p.P50:F0} ms, p90 {p.P90:F0}, p99 {p.P99:F0}, p99.9 {p.P999:F0}, max {p.Max:F0}; instance RSS during: {string.Join(", ", rss.Select(r => $"{r:F0} MiB"))}"),
        };
    }
}

/// <summary>One operation = a new account joins the queue: fetch and solve a queue-join challenge, POST join.</summary>
public sealed class JoinWorkload(Guid eventId, IEnumerable<Buyer> buyers, bool gated) : Workload
{
    readonly ConcurrentQueue<Buyer> fresh = new(buyers);

    public static async Task<(int Status, int ChallengeStatus)> JoinAsync(HttpClient http, Guid eventId, Buyer buyer, CancellationToken ct, bool gated = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/waiting-room/{eventId}/join");
        buyer.Apply(request);
        if (gated)
        {
            var (proof, challengeStatus) = await Altcha.TrySolveAsync(http, buyer, "queue-join", ct);
            if (proof is null) return (challengeStatus, challengeStatus);
            request.Headers.Add(Altcha.Header, proof);
        }
        using var response = await http.SendAsync(request, ct);
        await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, 200);
    }

    public override async Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct)
    {
        if (!fresh.TryDequeue(out var buyer))
        {
            recorder.Add("accounts-exhausted", 0, intended);
            await Task.Delay(100, ct);
            return;
        }
        try
        {
            var (status, _) = await JoinAsync(http, eventId, buyer, ct, gated);
            recorder.Add("join", status, intended);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            recorder.Add("join", 0, intended);
        }
    }

    /// <summary>The accounts this run did not use (to join them afterwards).</summary>
    public Buyer[] Unused() => [.. fresh];
}
