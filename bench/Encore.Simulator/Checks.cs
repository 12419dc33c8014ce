using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Encore.Bench;

namespace Encore.Simulator;

/// <summary>The checks after the sale (docs/simulator.md), each through the public API.</summary>
sealed partial class Simulation
{
    readonly List<(string Name, string Result)> checks = [];
    readonly List<string> failures = [];

    void Check(string name, bool ok, string detail)
    {
        checks.Add((name, (ok ? "PASS" : "FAIL") + " — " + detail));
        if (!ok) failures.Add(name);
    }

    static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The published algorithm (docs/waiting-room.md), written from its text: entry ids 1..P sorted by HMAC-SHA256(seed, decimal id).</summary>
    static int[] Draw(byte[] seed, int count)
    {
        var keys = Enumerable.Range(1, count).Select(i => HMACSHA256.HashData(seed, Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)))).ToArray();
        var order = Enumerable.Range(1, count).ToArray();
        Array.Sort(order, (a, b) => keys[a - 1].AsSpan().SequenceCompareTo(keys[b - 1]));
        return order;
    }

    async Task<(int Status, JsonNode? Body)> ReadHoldAsync(Granted hold)
    {
        var (status, body, _, _) = await UntilAnsweredAsync("read hold", () => SendAsync(HttpMethod.Get, $"/api/holds/{hold.Id}", hold.Buyer, null), comeBackWhenBusy: true);
        return (status, body);
    }

    async Task<SimReport> ReportAsync()
    {
        var all = granted.ToArray();
        var joined = buyers.Where(b => b.Joined).ToList();

        // 1. No seat held by two buyers at once, as the client saw it: per seat, each grant arrived after
        // the previous holder sent its release (kept holds never release within the run).
        var overlaps = 0;
        foreach (var seat in all.SelectMany(g => g.Seats.Select(s => (Seat: s, Hold: g))).GroupBy(x => x.Seat))
        {
            var ordered = seat.Select(x => x.Hold).OrderBy(h => h.Received).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Received < ordered[i - 1].ReleaseSent) overlaps++;
        }
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
        var badLiveWhy = new Dictionary<string, int>();
        // A hold that became a paid order is consumed (404), like a released one; its seats stay taken (sold).
        var sold = SoldHoldIds();
        foreach (var batch in live.Where(h => !sold.Contains(h.Id)).Chunk(64))
            foreach (var (hold, status, body) in await Task.WhenAll(batch.Select(async h =>
            {
                var (status, body) = await ReadHoldAsync(h);
                return (h, status, body);
            })))
            {
                var expires = body?["expiresAt"]?.GetValue<DateTimeOffset>();
                var why = status != 200 ? $"answered {status}"
                    : expires is not { } e ? "no expiry"
                    : e <= now ? "expired"
                    : e - hold.CreatedAt > TimeSpan.FromMinutes(holdMinutes) ? "longer than the TTL"
                    : null;
                if (why is null) continue;
                badLive++;
                badLiveWhy[why] = badLiveWhy.GetValueOrDefault(why) + 1;
            }
        var released = all.Where(g => g.ReleaseSent != long.MaxValue).ToList();
        var consumed = live.Where(h => sold.Contains(h.Id)).ToList();
        var badConsumed = 0;
        foreach (var batch in consumed.Chunk(64))
            badConsumed += (await Task.WhenAll(batch.Select(ReadHoldAsync))).Count(r => r.Status != 404);
        var badReleased = 0;
        foreach (var batch in released.Chunk(64))
            badReleased += (await Task.WhenAll(batch.Select(ReadHoldAsync))).Count(r => r.Status != 404);
        Check("Every hold released or live within its TTL", badLive == 0 && badReleased == 0 && badConsumed == 0,
            $"{live.Count - consumed.Count} kept holds live and expiring within {holdMinutes} min of creation (bad: {badLive}{(badLiveWhy.Count == 0 ? "" : " — " + string.Join(", ", badLiveWhy.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")))}); {released.Count} released holds gone (bad: {badReleased}); " +
            $"{consumed.Count} holds paid for and consumed (still readable: {badConsumed})");

        // 3. Standing never below zero: sampled every second during the run, and exact at the end.
        var remaining = Remaining(availability);
        var liveStanding = live.Where(g => g.Section is not null).Sum(g => g.Quantity);
        Check("General admission never negative", minStandingSeen >= 0 && remaining >= 0 && remaining == ev.StandingCapacity - liveStanding,
            $"lowest remaining seen {(minStandingSeen == int.MaxValue ? "n/a" : minStandingSeen)}, at the end {remaining} = {ev.StandingCapacity} − {liveStanding} held");

        // 4. Hold endpoints of a queued on-sale refuse calls without an admission token.
        Check("Holds need an admission token", withoutTokenAnswer == "403 Admission required",
            $"a hold without a token once the queue was open: {withoutTokenAnswer}; bots' holds refused for want of one during the sale: {admissionRefusals}");

        // 5. Shuffle then FIFO: the draw is the published one, every number is the one it implies,
        // later arrivals are in arrival order, and the counter admitted in number order.
        var draw = JsonNode.Parse(await http.GetStringAsync($"/api/waiting-room/{ev.EventId}/draw"))!;
        var seedHex = draw["seed"]?.GetValue<string>();
        var pre = (int)(draw["preQueueEntries"]?.GetValue<long>() ?? -1);
        var published = draw["order"]?.AsArray().Select(n => n!.GetValue<int>()).ToArray() ?? [];
        var seed = seedHex is null ? [] : Convert.FromHexString(seedHex);
        var commitmentOk = seedHex is not null && Convert.ToHexStringLower(SHA256.HashData(seed)) == commitment
            && draw["commitment"]!.GetValue<string>() == commitment;
        var recomputed = seedHex is null ? [] : Draw(seed, pre);
        var drawOk = seedHex is not null && recomputed.SequenceEqual(published);
        var numberOf = new Dictionary<long, long>();
        for (var k = 0; k < recomputed.Length; k++) numberOf[recomputed[k]] = k + 1;
        var withNumber = joined.Where(b => b.Number is not null).ToList();
        var wrongNumber = withNumber.Count(b => b.Number != (b.EntryId <= pre ? numberOf.GetValueOrDefault(b.EntryId, -1) : b.EntryId));
        var preArrivals = joined.Count(b => b.JoinReceivedMs < startsAtMs);
        var preMisplaced = joined.Count(b => b.JoinReceivedMs < startsAtMs && b.EntryId > pre)
            + joined.Count(b => b.JoinSentMs >= startsAtMs + 2000 && b.EntryId <= pre);
        // FIFO among later arrivals: whoever had its answer before another sent its join is ahead of it.
        var later = joined.Where(b => b.EntryId > pre).ToList();
        var events = later.Select(b => (At: b.JoinReceivedMs, Kind: 0, Buyer: b)).Concat(later.Select(b => (At: b.JoinSentMs, Kind: 1, Buyer: b)))
            .OrderBy(e => e.At).ThenBy(e => e.Kind).ToList();
        long highest = 0;
        var fifoViolations = 0;
        foreach (var e in events)
        {
            if (e.Kind == 0) highest = Math.Max(highest, e.Buyer.EntryId);
            else if (e.Buyer.EntryId < highest) fifoViolations++;
        }
        var problems = orderProblems.ToArray();
        var admitted = joined.Where(b => b.AdmittedSeenMs is not null).ToList();
        var finalServing = samples.LastOrDefault()?.Serving ?? 0; // the organizer's last read
        Check("Admission in shuffle-then-FIFO order", commitmentOk && drawOk && wrongNumber == 0 && preMisplaced == 0 && fifoViolations == 0 && problems.Length == 0,
            $"commitment published before the pre-queue opened = SHA-256(revealed seed): {commitmentOk}; draw of {pre} pre-queue entries recomputed from the seed = the published order: {drawOk}; " +
            $"{withNumber.Count} buyers' numbers checked against draw-then-arrival order, wrong: {wrongNumber}; {preArrivals} joined before the start, in the wrong part: {preMisplaced}; " +
            $"{later.Count} later arrivals, out of arrival order: {fifoViolations}; {statusReads} status reads agreeing with the counter (waiting ahead of it, admitted behind it, flagged never admitted), disagreeing: {problems.Length}" +
            (problems.Length > 0 ? $" (first: {problems[0]})" : "") + $"; admitted {admitted.Count} of {joined.Count} joined, counter at {finalServing}");

        // 6. The pace: admissions per minute while people were waiting, from the organizer's figures.
        var series = samples.ToArray();
        var perTick = Math.Max(1.0, options.Pace / 60.0);
        var window = series.Where(s => s.Drawn && s.AtMs >= startsAtMs).ToList();
        var lastBusy = window.FindLastIndex(s => s.Waiting > 2 * perTick);
        window = lastBusy > 0 ? window[..(lastBusy + 1)] : [];
        if (window.Count >= 2)
        {
            var first = window[0];
            var last = window[^1];
            var minutes = (last.AtMs - first.AtMs) / 60_000.0;
            var rate = (last.Admitted - first.Admitted) / minutes;
            var perMinute = new List<string>();
            for (var m = 0; first.AtMs + (m + 1) * 60_000L <= last.AtMs; m++)
            {
                var a = window.First(s => s.AtMs >= first.AtMs + m * 60_000L);
                var b = window.Last(s => s.AtMs <= first.AtMs + (m + 1) * 60_000L);
                // A minute without two samples in it (the organizer's reads stalled) has no figure of its own.
                perMinute.Add(b.AtMs - a.AtMs >= 30_000 ? F((b.Admitted - a.Admitted) * 60_000.0 / (b.AtMs - a.AtMs), "F0") : "n/a");
            }
            var deviation = Math.Abs(rate - options.Pace) / options.Pace;
            Check("Admission at the configured pace (±5%)", minutes >= 1 && deviation <= 0.05,
                $"{last.Admitted - first.Admitted} admitted in {F(minutes, "F2")} min while people waited = {F(rate)}/min against {options.Pace}/min ({F(100 * deviation)} % off)" +
                (perMinute.Count > 0 ? $"; minute by minute: {string.Join(", ", perMinute)}" : "") + (minutes < 1 ? "; the window is under a minute: run longer" : "") +
                $"; {last.Skipped} skipped for not checking in");
        }
        else
        {
            Check("Admission at the configured pace (±5%)", false, "no window with people waiting after the start: more buyers, a lower pace or a longer run");
        }

        // 7. A greedy client ends with no more than one human may hold.
        var saleMinutes = Math.Max(0.1, (endMs - opensAtMs) / 60_000.0);
        var greedyMax = live.Where(g => g.Buyer.Greedy).GroupBy(g => g.Buyer).Select(g => g.Sum(h => h.Quantity)).DefaultIfEmpty(0).Max();
        var humanMax = live.Where(g => !g.Buyer.Greedy).GroupBy(g => g.Buyer).Select(g => g.Sum(h => h.Quantity)).DefaultIfEmpty(0).Max();
        var greedyCount = buyers.Count(b => b.Greedy);
        Check("A greedy client ends with no more tickets than one human", greedyMax <= ev.BuyerLimit,
            $"most held by one of {greedyCount} bots: {greedyMax}; the per-buyer limit a human gets: {ev.BuyerLimit} (most any human here held: {humanMax}); " +
            $"bots sent {greedyRequests} requests, {F(greedyRequests / Math.Max(1, greedyCount) / saleMinutes, "F0")}/min each against a human's {F(60 / options.PollSeconds, "F0")}/min while waiting " +
            $"({greedySkipped} sends skipped with 8 already in flight); humans {humanRequests} in all");

        // 8. Flagged (shadow-banned) accounts hold less than 1 % of the inventory.
        var flagged = live.Where(g => g.Buyer.Flagged).Sum(g => g.Quantity);
        var inventory = ev.SeatCount + ev.StandingCapacity;
        var flaggedCount = buyers.Count(b => b.Flagged);
        var flaggedAdmitted = buyers.Count(b => b.Flagged && b.AdmittedSeenMs is not null);
        Check("Devices/accounts flagged as bots hold < 1% of inventory", flagged < inventory / 100.0 && flaggedAdmitted == 0,
            $"{flaggedCount} flagged bots (automation reported, shadow-banned by the admin) hold {flagged} of {inventory} ({F(100.0 * flagged / inventory, "F2")} %); admitted: {flaggedAdmitted}");

        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Flash-sale simulation, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- venue: {ev.SeatCount} reserved seats + {ev.StandingCapacity} standing, buyer limit {ev.BuyerLimit}, target {options.Url}");
        var humans = buyers.Where(b => !b.Greedy).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"- buyers: {buyers.Length} ({humans.Count} humans: {humans.Count(b => b.Transport == Transport.Poll)} polling every ~{options.PollSeconds} s, " +
            $"{humans.Count(b => b.Transport == Transport.WebSocket)} on a WebSocket, {humans.Count(b => b.Transport == Transport.Sse)} on SSE; {greedyCount} greedy bots at 100× a human's rate, {flaggedCount} of them flagged)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- queue: pre-queue {options.PreQueueSeconds} s ({F(options.PreShare * 100, "F0")} % of humans arrive in it), later arrivals over {options.ArrivalSeconds} s, " +
            $"pace {options.Pace}/min, check-in window {options.CheckInSeconds} s, admission {options.TokenMinutes} min, sale {options.DurationSeconds} s after the start");
        text.AppendLine(CultureInfo.InvariantCulture, $"- joined {joined.Count} ({joined.Count(b => b.EntryId <= pre)} in the pre-queue draw), admitted {admitted.Count}; live connections at most {livePeak} open at once, {liveFailed} could not open (fell back to polling)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- requests: humans {humanRequests}, bots {greedyRequests}; answers {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}");
        var askedAgainAnswers = askedAgain.IsEmpty ? "" : $" (the answers then: {string.Join(", ", askedAgain.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))})";
        text.AppendLine(CultureInfo.InvariantCulture, $"- requests without an answer asked again (same Idempotency-Key, or the same DELETE) until answered: {answeredWhenAskedAgain}; outcomes still unknown after {MaxAsks} attempts: {unknownOutcomes}{askedAgainAnswers}; busy answers (429, 503) asked again: {busyAskedAgain}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- holds granted: {all.Length} ({released.Count} released by abandoning buyers, {live.Count} kept for checkout)");
        foreach (var note in notes) text.AppendLine("- " + note);
        text.AppendLine();
        text.AppendLine("| Check | Result |");
        text.AppendLine("|---|---|");
        foreach (var line in checks) text.AppendLine(CultureInfo.InvariantCulture, $"| {line.Name} | {line.Result} |");
        return new SimReport(text.ToString(), failures.Count > 0);
    }
}
