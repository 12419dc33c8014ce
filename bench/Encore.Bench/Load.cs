using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Encore.Bench;

/// <summary>One unit of load: a ping, or a hold followed by its release.</summary>
public abstract class Workload
{
    /// <summary>Runs one operation; its first request's latency counts from <paramref name="intended"/> (open loop).</summary>
    public abstract Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct);

    public virtual string Check() => "";
}

public sealed class PingWorkload(string path) : Workload
{
    public override async Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
            recorder.Add("ping", (int)response.StatusCode, intended);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            recorder.Add("ping", 0, intended);
        }
    }
}

/// <summary>
/// Hold then release. Seats (or standing places) are chosen at random among disjoint blocks of the
/// venue, so buyers sometimes collide (409) as in a real on-sale; a buyer holds one thing at a time,
/// so the per-buyer limit never interferes. Every granted hold is recorded for the oversell check.
/// </summary>
public sealed class HoldWorkload : Workload
{
    readonly BenchEvent ev;
    readonly List<Guid[]> blocks;
    readonly bool standing;
    readonly int quantity;
    readonly ConcurrentQueue<Buyer> buyers;
    readonly bool gated;
    readonly ConcurrentQueue<Granted> granted = new();
    long releaseFailures;

    sealed record Granted(Guid[] Seats, long Received, long ReleaseSent);

    /// <param name="gated">The build asks for a proof of work: each hold first fetches and solves a challenge, as a browser does.</param>
    public HoldWorkload(BenchEvent ev, string kind, IEnumerable<Buyer> tokens, bool gated)
    {
        this.ev = ev;
        this.gated = gated;
        buyers = new ConcurrentQueue<Buyer>(tokens);
        (standing, quantity) = kind switch { "hold1" => (false, 1), "hold4" => (false, 4), "ga" => (true, 2), _ => throw new ArgumentException(kind) };
        blocks = standing ? [] : ev.Blocks(quantity);
    }

    public override async Task RunAsync(HttpClient http, Recorder recorder, long intended, CancellationToken ct)
    {
        Buyer? buyer;
        while (!buyers.TryDequeue(out buyer)) await Task.Delay(1, ct);
        try
        {
            var seats = standing ? [] : blocks[Random.Shared.Next(blocks.Count)];
            var body = standing
                ? $"{{\"section\":\"{ev.StandingSection}\",\"quantity\":{quantity}}}"
                : "{\"seatIds\":[" + string.Join(',', seats.Select(s => $"\"{s}\"")) + "]}";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{ev.PerformanceId}/holds")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            buyer.Apply(request);
            Guid holdId;
            try
            {
                if (gated)
                {
                    var challengeSent = Stopwatch.GetTimestamp();
                    var (proof, challengeStatus) = await Altcha.TrySolveAsync(http, buyer, "hold", ct);
                    recorder.Add("challenge+solve", challengeStatus, challengeSent);
                    if (challengeStatus is 429 or 503) recorder.Add("refused-from-send", challengeStatus, challengeSent);
                    if (proof is null)
                    {
                        // Refused before the hold itself (shed or rate-limited): that is this operation's answer.
                        recorder.Add("hold", challengeStatus, intended);
                        recorder.Add("hold-from-send", challengeStatus, challengeSent);
                        return;
                    }
                    request.Headers.Add(Altcha.Header, proof);
                }
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, ct);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(ct);
                recorder.Add("hold", status, intended);
                // The server's own answer time, without the client's backlog: what a refusal costs.
                recorder.Add("hold-from-send", status, sent);
                // Refusals alone: how long a shed request takes to come back, apart from the served ones.
                if (status is 429 or 503) recorder.Add("refused-from-send", status, sent);
                if (status != 201) return;
                holdId = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                recorder.Add("hold", 0, intended);
                return;
            }
            var received = Stopwatch.GetTimestamp();

            var releaseSent = Stopwatch.GetTimestamp();
            granted.Enqueue(new Granted(seats, received, releaseSent));
            // A refused release (shed, rate-limited) is retried after Retry-After, as a browser would:
            // otherwise the seat stays held until its TTL.
            for (var attempt = 0; ; attempt++)
            {
                using var release = new HttpRequestMessage(HttpMethod.Delete, $"/api/holds/{holdId}");
                buyer.Apply(release);
                var sentAt = Stopwatch.GetTimestamp();
                try
                {
                    using var released = await http.SendAsync(release, CancellationToken.None);
                    var status = (int)released.StatusCode;
                    recorder.Add("release", status, sentAt);
                    if (status is 429 or 503 && attempt < 5)
                    {
                        await Task.Delay(released.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), CancellationToken.None);
                        continue;
                    }
                    if (status != 204) Interlocked.Increment(ref releaseFailures);
                }
                catch (HttpRequestException)
                {
                    recorder.Add("release", 0, sentAt);
                    Interlocked.Increment(ref releaseFailures);
                }
                break;
            }
        }
        finally
        {
            buyers.Enqueue(buyer);
        }
    }

    /// <summary>
    /// Per seat, the holds granted one after another: each grant must reach us after the previous
    /// holder sent its release. Client and server share one clock here (one machine), and a correct
    /// server frees a seat only after the release arrives, so an overlap means two live holders.
    /// </summary>
    public (long Granted, long Overlaps, long ReleaseFailures) Verify()
    {
        var overlaps = 0L;
        var all = granted.ToArray();
        foreach (var seat in all.SelectMany(g => g.Seats.Select(s => (Seat: s, Hold: g))).GroupBy(x => x.Seat))
        {
            var ordered = seat.Select(x => x.Hold).OrderBy(h => h.Received).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Received < ordered[i - 1].ReleaseSent) overlaps++;
        }
        return (all.Length, overlaps, Interlocked.Read(ref releaseFailures));
    }

    public override string Check()
    {
        var (count, overlaps, failures) = Verify();
        return $"granted {count} holds; seats granted while another holder's release was not yet sent: {overlaps}; releases not answered 204: {failures}";
    }
}

/// <summary>Closed loop (as many operations as the connections allow) or open loop at a constant rate (wrk2-style).</summary>
public static class Driver
{
    public static async Task<(IReadOnlyDictionary<string, KindSummary> Summary, double Seconds)> ClosedLoopAsync(
        HttpClient http, Workload workload, int workers, TimeSpan warmup, TimeSpan duration)
    {
        var recorder = new Recorder { Recording = false };
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                await workload.RunAsync(http, recorder, Stopwatch.GetTimestamp(), CancellationToken.None);
        })).ToList();
        await Task.Delay(warmup);
        recorder.Recording = true;
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration);
        recorder.Recording = false;
        var seconds = Recorder.Millis(started, Stopwatch.GetTimestamp()) / 1000;
        stop.Cancel();
        await Task.WhenAll(tasks);
        return (recorder.Summarize(seconds), seconds);
    }

    /// <summary>
    /// Starts operations at fixed intervals whatever the server does, and measures each from the
    /// moment it was due, not from when a connection became free: a slow server cannot hide its
    /// queueing (no coordinated omission), as in wrk2.
    /// </summary>
    public static async Task<(IReadOnlyDictionary<string, KindSummary> Summary, double Seconds)> OpenLoopAsync(
        HttpClient http, Workload workload, double perSecond, TimeSpan warmup, TimeSpan duration, int maxInFlight = 20_000)
    {
        var recorder = new Recorder { Recording = false };
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var warmupEnd = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = warmupEnd + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var inFlight = 0;
        var outstanding = new ConcurrentDictionary<Task, byte>();
        long issued = 0, skipped = 0;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end) break;
            if (!recorder.Recording && now >= warmupEnd) recorder.Recording = true;
            for (var due = start + (long)(issued * interval); due <= now; due = start + (long)(++issued * interval))
            {
                if (Volatile.Read(ref inFlight) >= maxInFlight)
                {
                    // The client's own ceiling: counted, never silently dropped.
                    recorder.Add("client-overflow", 0, due);
                    skipped++;
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                var dueAt = due;
                var task = Task.Run(() => workload.RunAsync(http, recorder, dueAt, CancellationToken.None));
                outstanding[task] = 0;
                _ = task.ContinueWith(t => { Interlocked.Decrement(ref inFlight); outstanding.TryRemove(t, out _); }, TaskScheduler.Default);
            }
            await Task.Delay(1);
        }
        var seconds = duration.TotalSeconds;
        await Task.WhenAll(outstanding.Keys);
        recorder.Recording = false;
        return (recorder.Summarize(seconds), seconds);
    }
}
