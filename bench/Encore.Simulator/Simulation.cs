using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Bench;

namespace Encore.Simulator;

/// <summary>A hold as the client saw it: when its 201 arrived and when its release was sent (never, if kept).</summary>
sealed record Granted(Guid Id, SimBuyer Buyer, Guid[] Seats, string? Section, int Quantity, long Received, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public long ReleaseSent = long.MaxValue;
}

/// <summary>The organizer's figures of the queue, read once a second.</summary>
sealed record QueueSample(long AtMs, long Serving, long Waiting, long Admitted, long Skipped, long Active, bool Drawn);

sealed record SimReport(string Text, bool Failed);

sealed partial class Simulation
{
    readonly HttpClient http;
    readonly HttpClient streams;
    readonly SimOptions options;
    readonly SimBuyer[] buyers;
    readonly BenchEvent ev;
    readonly string organizerToken;
    readonly bool gated;
    readonly long opensAtMs, startsAtMs, endMs;
    readonly string commitment;
    readonly ConcurrentQueue<Granted> granted = new();
    readonly ConcurrentDictionary<string, long> statuses = new();
    readonly ConcurrentQueue<QueueSample> samples = new();
    readonly ConcurrentQueue<string> orderProblems = new();
    readonly Random random = new(20261126);
    readonly Lock randomLock = new();
    readonly List<string> notes = [];
    volatile HashSet<Guid> claimed = [];
    int minStandingSeen = int.MaxValue;
    long humanRequests, greedyRequests, greedySkipped, statusReads, liveOpen, livePeak, liveFailed, admissionRefusals;
    string withoutTokenAnswer = "not tried";

    Simulation(HttpClient http, SimOptions options, SimBuyer[] buyers, BenchEvent ev, string organizerToken, bool gated,
        long opensAtMs, long startsAtMs, string commitment)
    {
        this.http = http;
        this.options = options;
        this.buyers = buyers;
        this.ev = ev;
        this.organizerToken = organizerToken;
        this.gated = gated;
        this.opensAtMs = opensAtMs;
        this.startsAtMs = startsAtMs;
        endMs = startsAtMs + options.DurationSeconds * 1000L;
        this.commitment = commitment;
        // Live lines each keep a connection open for the whole wait: they get their own pool.
        streams = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(options.Url),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    int Next(int max) { lock (randomLock) return random.Next(max); }
    double NextDouble() { lock (randomLock) return random.NextDouble(); }

    /// <summary>
    /// The organizer's side: the venue and event, a waiting room opening in 8 s (past every instance's
    /// 5-second settings cache) whose pre-queue lasts PreQueueSeconds, the draw's commitment read before
    /// anyone can join; then the admin flags the scalpers' accounts.
    /// </summary>
    public static async Task<Simulation> SetUpAsync(HttpClient http, SimOptions options, SimBuyer[] buyers)
    {
        var (ev, organizer) = await EventSetup.CreateWithTokenAsync(options.Url, options.Seats, options.Standing, options.BuyerLimit, doorsOpenNow: options.Checkout);
        var opens = DateTimeOffset.UtcNow.AddSeconds(8);
        var starts = opens.AddSeconds(options.PreQueueSeconds);
        await Api.SendAsync(http, HttpMethod.Put, $"/api/organizer/events/{ev.EventId}/waiting-room", organizer, new
        {
            startsAt = starts, preQueueOpensAt = opens, mode = "Pace", admitPerMinute = options.Pace, tokenMinutes = options.TokenMinutes,
            checkInSeconds = options.CheckInSeconds, maxQueueSize = 1_000_000,
        });
        var info = JsonNode.Parse(await http.GetStringAsync($"/api/waiting-room/{ev.EventId}"))!;
        var phase = info["phase"]!.GetValue<string>();
        if (phase != "upcoming") throw new InvalidOperationException($"The queue should not be open yet; phase {phase}.");
        var commitment = info["commitment"]!.GetValue<string>();

        var admin = await Api.LoginAsync(http, "admin@encore.test", EventSetup.DemoPassword, EventSetup.DemoAuthenticatorKey);
        var flagged = buyers.Where(b => b.Flagged).ToList();
        foreach (var batch in flagged.Chunk(16))
            await Task.WhenAll(batch.Select(b => Api.SendAsync(http, HttpMethod.Put, $"/api/admin/risk/flags/{b.UserId}", admin,
                new { reason = "Simulated scalper: automation reported by the device, 100x a person's request rate" })));
        Console.Error.WriteLine($"[sim] event {ev.EventId}: {ev.SeatCount} seats + {ev.StandingCapacity} standing; pre-queue opens {opens:HH:mm:ss}, starts {starts:HH:mm:ss}; {flagged.Count} accounts flagged");
        return new Simulation(http, options, buyers, ev, organizer, await BotGate.EnabledAsync(http),
            opens.ToUnixTimeMilliseconds(), starts.ToUnixTimeMilliseconds(), commitment);
    }

    public async Task<SimReport> RunAsync()
    {
        var humans = buyers.Where(b => !b.Greedy).ToList();
        var live = (int)Math.Round(humans.Count * options.LiveShare);
        for (var i = 0; i < humans.Count; i++)
            humans[i].Transport = i < live ? (i % 2 == 0 ? Transport.WebSocket : Transport.Sse) : Transport.Poll;
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(endMs - NowMs));
        var sampler = Task.Run(() => SampleAsync(stop.Token));
        var tokenCheck = Task.Run(() => HoldWithoutTokenAsync(humans[^1]));
        var tasks = buyers.Select(b => b.Greedy ? Task.Run(() => GreedyAsync(b, stop.Token)) : Task.Run(() => HumanAsync(b, stop.Token))).ToList();
        await Task.WhenAll(tasks);
        await tokenCheck;
        await stop.CancelAsync();
        await sampler;
        Console.Error.WriteLine($"[sim] sale over; checking");
        return await ReportAsync();
    }

    async Task<(int Status, JsonNode? Body, TimeSpan? RetryAfter, string? Title)> SendAsync(HttpMethod method, string url, SimBuyer buyer, object? body,
        string? proofScope = null, string? admission = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url);
        buyer.Client.Apply(request);
        if (admission is not null) request.Headers.Add(Buyer.AdmissionHeader, admission);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, Api.Json), Encoding.UTF8, "application/json");
        if (buyer.Greedy) Interlocked.Increment(ref greedyRequests); else Interlocked.Increment(ref humanRequests);
        try
        {
            if (proofScope is not null && gated)
            {
                // Flagged bots solve their (100× harder) proofs one at a time: a scalper's machine is finite too.
                if (buyer.Flagged) await botSolver.WaitAsync();
                try
                {
                    var (proof, refused) = await Altcha.TrySolveAsync(http, buyer.Client, proofScope);
                    if (proof is null && refused is 502 or 504)
                    {
                        // The challenge's instance died under it: nothing was sent yet, but nothing answered either.
                        Unanswered(HttpMethod.Get, "/api/bot-defense/challenge", refused);
                        return (0, null, null, null);
                    }
                    if (proof is null)
                    {
                        Count(refused);
                        return (refused, null, TimeSpan.FromSeconds(1), null);
                    }
                    request.Headers.Add(Altcha.Header, proof);
                }
                finally
                {
                    if (buyer.Flagged) botSolver.Release();
                }
            }
            using var response = await http.SendAsync(request);
            if (NoAnswerBehind(response))
            {
                Unanswered(method, url, (int)response.StatusCode);
                return (0, null, null, null);
            }
            var status = (int)response.StatusCode;
            Count(status);
            var text = await response.Content.ReadAsStringAsync();
            var json = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null;
            return (status, json, response.Headers.RetryAfter?.Delta, json?["title"]?.GetValue<string>());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Unanswered(method, url);
            return (0, null, null, null);
        }
    }

    void Count(int status) => statuses.AddOrUpdate(status.ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);

    static readonly Regex IdSegment = new("/[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}", RegexOptions.Compiled);

    /// <summary>
    /// A request that got no answer (refused connection, reset, or no answer within the client's
    /// timeout), counted by route; <paramref name="fromBalancer"/> is the load balancer's 502 or 504
    /// when the instance it chose died or hung with the request.
    /// </summary>
    void Unanswered(HttpMethod method, string url, int fromBalancer = 0) =>
        statuses.AddOrUpdate($"no answer to {method} {IdSegment.Replace(url.Split('?')[0], "/{id}")}{(fromBalancer > 0 ? $" ({fromBalancer} from the load balancer)" : "")}",
            1, (_, n) => n + 1);

    /// <summary>
    /// The load balancer's 502 or 504: the instance it passed the request to died or did not answer
    /// (an instance killed mid-request), so the request may or may not have taken effect. For the
    /// client that is no answer, not a refusal: it asks again with the same key.
    /// </summary>
    static bool NoAnswerBehind(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    const int MaxAsks = 10;
    long answeredWhenAskedAgain, unknownOutcomes, busyAskedAgain;
    readonly ConcurrentDictionary<string, long> askedAgain = new();

    /// <summary>
    /// A request that got no answer may still have taken effect: a hold placed, a release done, an
    /// order paid. As a careful client does, ask again — the same Idempotency-Key and body, or the
    /// same DELETE — until an answer comes, which is then the first request's outcome. Busy answers
    /// (429, 503) after an unanswered attempt are asked again too, and with
    /// <paramref name="comeBackWhenBusy"/> so is every 429 or 503 (a buyer at checkout, or releasing,
    /// comes back when told to); a key still in progress always is. At most <see cref="MaxAsks"/> attempts in all; an outcome
    /// still unknown then is counted in the report.
    /// </summary>
    async Task<(int Status, JsonNode? Body, TimeSpan? RetryAfter, string? Title)> UntilAnsweredAsync(string what,
        Func<Task<(int Status, JsonNode? Body, TimeSpan? RetryAfter, string? Title)>> send, bool comeBackWhenBusy = false)
    {
        var unanswered = false;
        for (var ask = 1; ; ask++)
        {
            var answer = await send();
            var busy = answer.Status is 429 or 503;
            // "Request in progress" is the idempotency key still held by an earlier attempt (one whose
            // instance died holds it until its lease runs out): nothing to decide yet, so ask again.
            var askAgain = answer.Status == 0
                || answer.Status == 409 && answer.Title == "Request in progress"
                || unanswered && busy
                || comeBackWhenBusy && busy;
            if (!askAgain)
            {
                if (unanswered)
                {
                    Interlocked.Increment(ref answeredWhenAskedAgain);
                    askedAgain.AddOrUpdate($"{what} {answer.Status} {answer.Title}".TrimEnd(), 1, (_, n) => n + 1);
                }
                return answer;
            }
            if (answer.Status == 0) unanswered = true;
            if (ask == MaxAsks)
            {
                if (unanswered) Interlocked.Increment(ref unknownOutcomes);
                return answer;
            }
            if (busy) Interlocked.Increment(ref busyAskedAgain);
            await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(busy ? 2 : Math.Min(10, ask)));
        }
    }

    readonly SemaphoreSlim botSolver = new(1);

    /// <summary>The organizer's live figures and the seat map, once a second.</summary>
    async Task SampleAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/organizer/events/{ev.EventId}/waiting-room");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", organizerToken);
                using var response = await http.SendAsync(request, ct);
                var at = NowMs;
                if (response.IsSuccessStatusCode)
                {
                    var stats = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["stats"]!;
                    samples.Enqueue(new QueueSample(at, stats["serving"]!.GetValue<long>(), stats["waiting"]!.GetValue<long>(),
                        stats["admitted"]!.GetValue<long>(), stats["skipped"]!.GetValue<long>(), stats["active"]!.GetValue<long>(), stats["drawn"]!.GetValue<bool>()));
                }
                var availability = JsonNode.Parse(await http.GetStringAsync($"/api/performances/{ev.PerformanceId}/availability", ct))!;
                var seats = availability["seats"]!;
                claimed = [.. seats["held"]!.AsArray().Concat(seats["blocked"]!.AsArray()).Select(n => n!.GetValue<Guid>())];
                minStandingSeen = Math.Min(minStandingSeen, Remaining(availability));
                await Task.Delay(1000 - (int)Math.Min(900, NowMs - at), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A read that failed or timed out under load: the next second's read goes on.
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    int Remaining(JsonNode availability) =>
        availability["generalAdmission"]!.AsArray().Single(a => a!["section"]!.GetValue<string>() == ev.StandingSection)!["remaining"]!.GetValue<int>();

    /// <summary>Once the pre-queue is open (the settings caches have the queue), a hold without an admission token must be refused.</summary>
    async Task HoldWithoutTokenAsync(SimBuyer buyer)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, opensAtMs + 1000 - NowMs)));
        var seat = ev.Rows[0][0];
        var (status, _, _, title) = await SendAsync(HttpMethod.Post, $"/api/performances/{ev.PerformanceId}/holds", buyer, new { seatIds = new[] { seat } }, "hold");
        withoutTokenAnswer = $"{status} {title}";
    }

    async Task DelayUntilAsync(long atMs, CancellationToken ct)
    {
        var wait = atMs - NowMs;
        if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), ct);
    }

    /// <summary>The page's device report (FingerprintJS + BotD): it gives the browser its device cookie.</summary>
    async Task ReportDeviceAsync(SimBuyer buyer, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5 && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                buyer.Client = await Buyer.ReportDeviceAsync(http, buyer.Token, $"simvisitor{buyer.Index:D8}", buyer.Flagged, ct);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    /// <summary>Join with a solved proof; a person waits as told by Retry-After, a bot comes back at its own pace.</summary>
    async Task<bool> JoinAsync(SimBuyer buyer, CancellationToken ct)
    {
        // An attempt that got no answer may still have joined (a retry then gets that entry back), so
        // the server may have taken this buyer's join as early as the first attempt was sent.
        long? firstSent = null;
        while (!ct.IsCancellationRequested)
        {
            var sent = NowMs;
            firstSent ??= sent;
            var (status, json, retryAfter, _) = await SendAsync(HttpMethod.Post, $"/api/waiting-room/{ev.EventId}/join", buyer, null, "queue-join");
            if (status is 200 or 201 && json is not null)
            {
                buyer.JoinSentMs = firstSent.Value;
                buyer.JoinReceivedMs = NowMs;
                buyer.EntryId = json["entryId"]!.GetValue<long>();
                buyer.Joined = true;
                Observe(buyer, json);
                return true;
            }
            var wait = buyer.Greedy ? TimeSpan.FromSeconds(options.HumanThinkSeconds / 100) : retryAfter ?? TimeSpan.FromSeconds(1);
            await Task.Delay(wait, ct);
        }
        return false;
    }

    /// <summary>
    /// Every status the client reads (HTTP or a live frame) must agree with the counter: a waiting
    /// entry is ahead of it, an admitted one is at or behind it, a shadow-banned one is never admitted.
    /// </summary>
    void Observe(SimBuyer buyer, JsonNode status)
    {
        Interlocked.Increment(ref statusReads);
        var state = status["state"]!.GetValue<string>();
        var number = status["number"]?.GetValue<long?>();
        var serving = status["serving"]!.GetValue<long>();
        if (number is { } n)
        {
            if (buyer.Number is { } known && known != n) Problem($"entry {buyer.EntryId}: number changed from {known} to {n}");
            buyer.Number = n;
            // A shadow-banned entry is shown as waiting after the counter passed it: that is the shadow.
            if (state == "waiting" && n <= serving && !buyer.Flagged) Problem($"entry {buyer.EntryId} (number {n}) still waiting with the counter at {serving}");
            if (state == "admitted" && n > serving) Problem($"entry {buyer.EntryId} (number {n}) admitted with the counter at {serving}");
        }
        if (state == "admitted" && buyer.Flagged) Problem($"shadow-banned entry {buyer.EntryId} admitted");
        if (state == "admitted" && buyer.AdmittedSeenMs is null)
        {
            buyer.AdmittedSeenMs = NowMs;
            buyer.ServingWhenAdmitted = serving;
        }
        if (status["admissionToken"]?.GetValue<string>() is { } token) buyer.AdmissionToken = token;
        buyer.State = state;
    }

    void Problem(string text)
    {
        if (orderProblems.Count < 1000) orderProblems.Enqueue(text);
    }

    /// <summary>GET status: a check-in, and once admitted the admission token.</summary>
    async Task<(int Status, TimeSpan? RetryAfter)> ReadStatusAsync(SimBuyer buyer)
    {
        var (status, json, retryAfter, _) = await SendAsync(HttpMethod.Get, $"/api/waiting-room/{ev.EventId}/status", buyer, null);
        if (status == 200 && json is not null) Observe(buyer, json);
        return (status, retryAfter);
    }

    static bool Done(SimBuyer b) => b.AdmissionToken is not null || b.State is "expired" or "left" or "closed";

    async Task PollAsync(SimBuyer buyer, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && !Done(buyer))
        {
            var (status, retryAfter) = await ReadStatusAsync(buyer);
            if (Done(buyer)) return;
            // A refused read (rate limit, or an instance shedding load) comes back when told, as the page does.
            await Task.Delay(status is 429 or 503 && retryAfter is { } r ? r : TimeSpan.FromSeconds(options.PollSeconds * (0.75 + NextDouble() / 2)), ct);
        }
    }

    /// <summary>
    /// A live line as waiting-room.js keeps it: status frames carry the place, counter frames the
    /// serving counter; when the counter reaches the buyer's number the page reads its status over
    /// HTTP (which issues the admission). A line that cannot open falls back to polling.
    /// </summary>
    async Task LiveAsync(SimBuyer buyer, CancellationToken ct)
    {
        async Task OnFrameAsync(string text)
        {
            var frame = JsonNode.Parse(text)!;
            if (frame["type"]?.GetValue<string>() == "status" && frame["status"] is { } status)
            {
                Observe(buyer, status);
                if (buyer.State == "admitted" && buyer.AdmissionToken is null) await ReadStatusAsync(buyer);
            }
            else if (frame["type"]?.GetValue<string>() == "counter")
            {
                var serving = frame["serving"]!.GetValue<long>();
                // After the draw the page learns its number from a status read.
                if (buyer.Number is null && frame["phase"]?.GetValue<string>() == "open" && NowMs > startsAtMs) await ReadStatusAsync(buyer);
                if (buyer.Number is { } n && n <= serving && buyer.State == "waiting") await ReadStatusAsync(buyer);
            }
        }

        var opened = false;
        try
        {
            if (buyer.Transport == Transport.WebSocket)
            {
                using var socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("Authorization", "Bearer " + buyer.Token);
                socket.Options.SetRequestHeader("User-Agent", Buyer.UserAgent);
                socket.Options.SetRequestHeader("Accept-Language", "en-GB,en;q=0.8");
                if (buyer.Client.DeviceCookie is { } cookie) socket.Options.SetRequestHeader("Cookie", cookie);
                var ws = new UriBuilder(new Uri(new Uri(options.Url), $"/api/waiting-room/{ev.EventId}/live")) { Scheme = "ws" }.Uri;
                await socket.ConnectAsync(ws, ct);
                opened = true;
                Opened();
                try
                {
                    var buffer = new byte[16 * 1024];
                    while (!ct.IsCancellationRequested && !Done(buyer) && socket.State == WebSocketState.Open)
                    {
                        var count = 0;
                        ValueWebSocketReceiveResult received;
                        do
                        {
                            received = await socket.ReceiveAsync(buffer.AsMemory(count), ct);
                            count += received.Count;
                        } while (!received.EndOfMessage && count < buffer.Length);
                        if (received.MessageType == WebSocketMessageType.Close) break;
                        await OnFrameAsync(Encoding.UTF8.GetString(buffer, 0, count));
                    }
                    if (socket.State == WebSocketState.Open)
                    {
                        using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token);
                    }
                }
                finally
                {
                    Closed();
                }
            }
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/waiting-room/{ev.EventId}/events");
                buyer.Client.Apply(request);
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await streams.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    opened = true;
                    Opened();
                    try
                    {
                        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                        while (!ct.IsCancellationRequested && !Done(buyer) && await reader.ReadLineAsync(ct) is { } line)
                            if (line.StartsWith("data: ", StringComparison.Ordinal)) await OnFrameAsync(line["data: ".Length..]);
                    }
                    finally
                    {
                        Closed();
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
        }
        if (!opened) Interlocked.Increment(ref liveFailed);
        // A line that closed or never opened: the page polls instead.
        if (!ct.IsCancellationRequested && !Done(buyer)) await PollAsync(buyer, ct);
    }

    void Opened()
    {
        var now = Interlocked.Increment(ref liveOpen);
        long peak;
        while ((peak = Interlocked.Read(ref livePeak)) < now && Interlocked.CompareExchange(ref livePeak, now, peak) != peak) { }
    }

    void Closed() => Interlocked.Decrement(ref liveOpen);

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

    object Request(int quantity)
    {
        if (NextDouble() < 0.2 || PickSeats(quantity) is not { } picked) return new { section = ev.StandingSection, quantity };
        return new { seatIds = picked };
    }

    async Task<Granted?> TryHoldAsync(SimBuyer buyer, int quantity)
    {
        var body = Request(quantity);
        var key = $"sim-hold-{Guid.NewGuid():N}";
        // People asked to come back (429, 503) send the same request with the same key after the
        // delay, so a hold placed by an attempt that failed late (a store that timed out but did the
        // work) is the one they get back; a greedy bot comes back at its own pace with new requests.
        var (status, json, retryAfter, title) = await UntilAnsweredAsync("hold", () =>
            SendAsync(HttpMethod.Post, $"/api/performances/{ev.PerformanceId}/holds", buyer, body, "hold", buyer.AdmissionToken, key),
            comeBackWhenBusy: !buyer.Greedy);
        if (status == 403 && title == "Admission required") Interlocked.Increment(ref admissionRefusals);
        if (status is 429 or 503)
        {
            if (!buyer.Greedy) await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
            return null;
        }
        if (status != 201 || json is null) return null;
        var hold = new Granted(json["id"]!.GetValue<Guid>(), buyer,
            [.. json["seats"]!.AsArray().Select(s => s!["id"]!.GetValue<Guid>())], json["generalAdmission"]?["section"]?.GetValue<string>(),
            json["quantity"]!.GetValue<int>(), Stopwatch.GetTimestamp(), json["createdAt"]!.GetValue<DateTimeOffset>(), json["expiresAt"]!.GetValue<DateTimeOffset>());
        granted.Enqueue(hold);
        return hold;
    }

    TimeSpan Think(double scale = 1) => TimeSpan.FromSeconds(options.HumanThinkSeconds * scale * (0.5 + NextDouble()));

    /// <summary>
    /// A person: arrives during the pre-queue or after the start, opens the page (device report),
    /// joins, waits (polling or live), and once admitted holds 1–4 places, thinks, and abandons or keeps them.
    /// </summary>
    async Task HumanAsync(SimBuyer buyer, CancellationToken ct)
    {
        try
        {
            var pre = NextDouble() < options.PreShare;
            var arrival = pre
                ? opensAtMs + 500 + (long)(NextDouble() * Math.Max(0, startsAtMs - opensAtMs - 3000))
                : startsAtMs + 2000 + (long)(NextDouble() * options.ArrivalSeconds * 1000);
            await DelayUntilAsync(arrival, ct);
            await ReportDeviceAsync(buyer, ct);
            if (!await JoinAsync(buyer, ct)) return;
            if (buyer.Transport == Transport.Poll) await PollAsync(buyer, ct);
            else await LiveAsync(buyer, ct);
            if (buyer.AdmissionToken is null) return;

            var quantity = 1 + Next(4);
            for (var attempt = 0; attempt < 4 && !ct.IsCancellationRequested; attempt++)
            {
                if (await TryHoldAsync(buyer, quantity) is { } hold)
                {
                    await Task.Delay(Think(3), ct);
                    if (NextDouble() < options.AbandonShare)
                    {
                        hold.ReleaseSent = Stopwatch.GetTimestamp();
                        // A release refused as busy (or by a store that is down) did nothing: the page asks again.
                        await UntilAnsweredAsync("release", () => SendAsync(HttpMethod.Delete, $"/api/holds/{hold.Id}", buyer, null), comeBackWhenBusy: true);
                    }
                    else if (options.Checkout) await CheckoutAsync(buyer, hold);
                    return;
                }
                await Task.Delay(Think(), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A scalper: in line from the moment the pre-queue opens, then reading its place and sending
    /// 4-place holds at 100× a human's request rate (a human reads its place once per poll interval)
    /// for the whole sale, never releasing. Open loop: a request is due every interval whether or not
    /// the previous one was answered (at most 8 in flight; beyond that the scalper's own machine is
    /// the limit, and the skipped sends are counted).
    /// </summary>
    async Task GreedyAsync(SimBuyer buyer, CancellationToken ct)
    {
        var inFlight = new SemaphoreSlim(8);
        var running = new List<Task>();
        try
        {
            await DelayUntilAsync(opensAtMs + 200, ct);
            await ReportDeviceAsync(buyer, ct);
            if (!await JoinAsync(buyer, ct)) return;
            var interval = TimeSpan.FromSeconds(options.PollSeconds / 100);
            var next = NowMs;
            for (var i = 0; !ct.IsCancellationRequested; i++)
            {
                if (inFlight.Wait(0))
                {
                    var read = buyer.AdmissionToken is null && i % 2 == 0;
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            if (read) await ReadStatusAsync(buyer);
                            else await TryHoldAsync(buyer, 4);
                        }
                        finally
                        {
                            inFlight.Release();
                        }
                    }, CancellationToken.None));
                }
                else
                {
                    Interlocked.Increment(ref greedySkipped);
                }
                if (running.Count > 64) running.RemoveAll(t => t.IsCompleted);
                next += (long)interval.TotalMilliseconds;
                await DelayUntilAsync(next, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(running);
    }
}
