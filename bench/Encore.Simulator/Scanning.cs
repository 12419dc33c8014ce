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
using Encore.Bench;
using Npgsql;

namespace Encore.Simulator;

/// <summary>A ticket as its holder's app shows it and a gate reads it.</summary>
sealed record IssuedTicket(Guid Id, Guid OrderId, string Code, SimBuyer Holder);

/// <summary>
/// After the sale (docs/simulator.md, "Checkout and gates"): gate staff scan every ticket issued with
/// registered scanner devices (client credentials), some tickets at two gates at the same moment, some
/// offline from the offline bundle and synced later; then the end checks, in the database and through
/// the reconciliation command.
/// </summary>
sealed partial class Simulation
{
    readonly List<(string Name, string Result)> endChecks = [];
    readonly ConcurrentDictionary<Guid, ConcurrentBag<string>> admissions = new();
    readonly ConcurrentDictionary<string, long> scanAnswers = new();

    HashSet<Guid> SoldHoldIds() => [.. purchases.Where(p => p.Outcome.EndsWith("paid", StringComparison.Ordinal) || p.Outcome.EndsWith("fulfilled", StringComparison.Ordinal)).Select(p => p.Hold.Id)];

    void EndCheck(string name, bool ok, string detail)
    {
        endChecks.Add((name, (ok ? "PASS" : "FAIL") + " — " + detail));
        if (!ok) failures.Add(name);
    }

    public async Task<SimReport> ScanAndCheckAsync(SimReport sale)
    {
        var all = purchases.ToArray();
        Console.Error.WriteLine($"[sim] {all.Length} checkouts; waiting for tickets to be issued");
        var paid = all.Where(p => SoldHoldIds().Contains(p.Hold.Id)).ToList();
        var tickets = await TicketsAsync(paid);
        Console.Error.WriteLine($"[sim] {tickets.Count} tickets issued; scanning at the gates");

        // The organizer registers three gate devices; each gets its token by client credentials.
        var north = await DeviceTokenAsync("North gate");
        var south = await DeviceTokenAsync("South gate");
        var offline = await DeviceTokenAsync("Offline gate");

        var shuffled = tickets.OrderBy(_ => NextDouble()).ToList();
        var offlineCount = (int)(shuffled.Count * options.OfflineShare);
        var doubleCount = (int)(shuffled.Count * options.DoubleScanShare);
        var offlineTickets = shuffled.Take(offlineCount).ToList();
        var doubled = shuffled.Skip(offlineCount).Take(doubleCount).ToList();
        var single = shuffled.Skip(offlineCount + doubleCount).ToList();

        // Offline: the device takes the bundle while it still has a network, then judges alone.
        var bundle = await ScannerCallAsync(HttpMethod.Get, $"/api/scanner/events/{ev.EventId}/offline", offline, null);
        var keys = bundle.Body?["keys"]?["keys"]?.AsArray().ToDictionary(k => k!["kid"]!.GetValue<string>(), k => k!) ?? [];
        var alreadyIn = bundle.Body?["admitted"]?.AsArray().Select(n => n!.GetValue<Guid>()).ToHashSet() ?? [];
        var verifiedOffline = 0;
        var checkIns = new List<object>();
        foreach (var t in offlineTickets)
        {
            if (!VerifyOffline(t.Code, keys, out var ticketId) || ticketId != t.Id || alreadyIn.Contains(ticketId)) continue;
            verifiedOffline++;
            alreadyIn.Add(ticketId);
            checkIns.Add(new { clientScanId = $"off-{t.Id:N}", code = t.Code, gate = "Offline gate", scannedAt = DateTimeOffset.UtcNow });
        }
        // A few of the offline gate's tickets reach an online gate too before the sync: a conflict to report.
        var alsoOnline = offlineTickets.Take(Math.Max(1, offlineTickets.Count / 10)).ToList();

        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(single, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, _) =>
            await ScanAsync(NextDouble() < 0.5 ? north : south, t, NextDouble() < 0.5 ? "North gate" : "South gate"));
        await Parallel.ForEachAsync(doubled, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (t, _) =>
            await Task.WhenAll(ScanAsync(north, t, "North gate"), ScanAsync(south, t, "South gate")));
        foreach (var t in alsoOnline) await ScanAsync(north, t, "North gate");
        var online = sw.Elapsed;

        var recorded = 0;
        var conflicts = 0;
        foreach (var batch in checkIns.Chunk(500))
        {
            var sync = await ScannerCallAsync(HttpMethod.Post, $"/api/scanner/events/{ev.EventId}/offline/sync", offline, new { checkIns = batch });
            foreach (var r in sync.Body?["results"]?.AsArray() ?? [])
            {
                var outcome = r!["outcome"]!.GetValue<string>();
                scanAnswers.AddOrUpdate($"sync {outcome}", 1, (_, n) => n + 1);
                if (outcome == "Recorded")
                {
                    recorded++;
                    admissions.GetOrAdd(r["ticketId"]!.GetValue<Guid>(), _ => []).Add("Offline gate");
                }
                else if (r["conflict"]!.GetValue<bool>()) conflicts++;
            }
        }

        // Every ticket once more at a recheck gate: each must be refused as a duplicate, naming the first gate and time.
        var duplicates = 0;
        var duplicateProblems = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(tickets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, _) =>
        {
            var (status, body) = await ScannerCallAsync(HttpMethod.Post, $"/api/scanner/events/{ev.EventId}/scans", north, new { code = t.Code, gate = "Recheck" });
            var outcome = body?["outcome"]?.GetValue<string>();
            var firstGate = body?["firstGate"]?.GetValue<string>();
            var gates = admissions.GetValueOrDefault(t.Id)?.ToArray() ?? [];
            if (status == 200 && outcome == "AlreadyAdmitted" && body!["admitted"]!.GetValue<bool>() == false
                && body["firstScannedAt"] is not null && gates.Length == 1 && firstGate == gates[0])
                Interlocked.Increment(ref duplicates);
            else duplicateProblems.Enqueue($"{t.Id}: {status} {outcome} first at {firstGate}, admitted by the simulation at [{string.Join(", ", gates)}]");
        });

        var admittedOnce = tickets.Count(t => admissions.GetValueOrDefault(t.Id)?.Count == 1);
        var admittedTwice = tickets.Count(t => admissions.GetValueOrDefault(t.Id)?.Count > 1);
        var doubleOk = doubled.Count(t => admissions.GetValueOrDefault(t.Id)?.Count == 1);
        EndCheck("Every ticket scanned admits exactly once", tickets.Count > 0 && admittedOnce == tickets.Count && admittedTwice == 0 && duplicates == tickets.Count,
            $"{tickets.Count} tickets: {single.Count} scanned once online, {doubled.Count} at two gates at the same moment (admitted once: {doubleOk}), " +
            $"{offlineTickets.Count} offline ({verifiedOffline} verified on the device from the bundle's keys, {alsoOnline.Count} also online first; sync recorded {recorded}, conflicts reported {conflicts}); " +
            $"admitted exactly once: {admittedOnce}, more than once: {admittedTwice}; a rescan of every ticket refused as a duplicate naming the first gate and time: {duplicates}" +
            (duplicateProblems.TryPeek(out var first) ? $" (first problem: {first})" : "") + $"; answers {string.Join(", ", scanAnswers.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}");

        await DatabaseChecksAsync(all, tickets);
        await ReconcileAsync();

        var text = new StringBuilder(sale.Text);
        text.AppendLine();
        text.AppendLine("## Checkout and gates");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- checkouts: {all.Length}; by plan: {string.Join(", ", all.GroupBy(p => p.Plan).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- outcomes: {string.Join(", ", all.GroupBy(p => p.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}: {g.Count()}"))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- pay answers: {string.Join(", ", payAnswers.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- paid {paid.Count} orders, {paid.Sum(p => p.TotalMinor) / 100.0:F2} GBP; {tickets.Count} tickets; online scans took {online.TotalSeconds:F1} s");
        text.AppendLine();
        text.AppendLine("| Check | Result |");
        text.AppendLine("|---|---|");
        foreach (var line in endChecks) text.AppendLine(CultureInfo.InvariantCulture, $"| {line.Name} | {line.Result} |");
        return new SimReport(text.ToString(), failures.Count > 0);
    }

    async Task ScanAsync(string token, IssuedTicket t, string gate)
    {
        var (status, body) = await ScannerCallAsync(HttpMethod.Post, $"/api/scanner/events/{ev.EventId}/scans", token, new { code = t.Code, gate });
        var outcome = body?["outcome"]?.GetValue<string>() ?? status.ToString(CultureInfo.InvariantCulture);
        scanAnswers.AddOrUpdate($"scan {outcome}", 1, (_, n) => n + 1);
        if (status == 200 && body!["admitted"]!.GetValue<bool>()) admissions.GetOrAdd(t.Id, _ => []).Add(gate);
    }

    /// <summary>The offline check a gate device makes: a well-formed code of this event's keys whose ES256 signature holds.</summary>
    static bool VerifyOffline(string code, Dictionary<string, JsonNode> keys, out Guid ticketId)
    {
        ticketId = Guid.Empty;
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(code); }
        catch (FormatException) { return false; }
        if (bytes.Length < 120 || bytes[0] != 1) return false;
        var kid = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)).ToString("x8", CultureInfo.InvariantCulture);
        if (!keys.TryGetValue(kid, out var jwk)) return false;
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk["x"]!.GetValue<string>()), Y = Base64Url.DecodeFromChars(jwk["y"]!.GetValue<string>()) },
        });
        ticketId = new Guid(bytes.AsSpan(5, 16), bigEndian: true);
        return key.VerifyData(bytes.AsSpan(0, 56), bytes.AsSpan(56, 64), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Tickets are issued from Orders' event through the outbox: each paid buyer reads its tickets until they are there.</summary>
    async Task<List<IssuedTicket>> TicketsAsync(List<Purchase> paid)
    {
        var found = new ConcurrentBag<IssuedTicket>();
        await Parallel.ForEachAsync(paid.GroupBy(p => p.Buyer), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (group, _) =>
        {
            var orders = group.Select(p => p.OrderId!.Value).ToHashSet();
            var expected = group.Sum(p => p.Hold.Quantity);
            JsonArray mine = [];
            for (var i = 0; i < 60; i++)
            {
                var (status, body) = await BuyerCallAsync(HttpMethod.Get, "/api/tickets", group.Key, null);
                mine = new JsonArray([.. (body as JsonArray ?? []).Where(t => orders.Contains(t!["orderId"]!.GetValue<Guid>())).Select(t => t!.DeepClone())]);
                if (mine.Count >= expected) break;
                await Task.Delay(500);
            }
            foreach (var t in mine)
            {
                var id = t!["id"]!.GetValue<Guid>();
                var (status, code) = await BuyerCallAsync(HttpMethod.Get, $"/api/tickets/{id}/code", group.Key, null);
                if (status == 200) found.Add(new IssuedTicket(id, t["orderId"]!.GetValue<Guid>(), code!["code"]!.GetValue<string>(), group.Key));
            }
        });
        return [.. found];
    }

    async Task<string> DeviceTokenAsync(string name)
    {
        var device = await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{ev.EventId}/scanner-devices", organizerToken, new { name });
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = device["clientId"]!.GetValue<string>(),
            ["client_secret"] = device["clientSecret"]!.GetValue<string>(),
            ["scope"] = "encore_api",
        }));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The scanner device's token: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
    }

    async Task<(int Status, JsonNode? Body)> ScannerCallAsync(HttpMethod method, string url, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, Api.Json), Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, null);
        }
    }

    /// <summary>
    /// What only the database can show: tickets against capacity and seats, payments against tickets
    /// and refunds, tickets against payments, abandoned orders sold nothing. Skipped (and said so) without --postgres.
    /// </summary>
    async Task DatabaseChecksAsync(Purchase[] all, List<IssuedTicket> tickets)
    {
        if (options.Postgres is not { } connection)
        {
            EndCheck("Database checks", false, "not made: pass --postgres with the instances' connection string");
            return;
        }
        await using var db = NpgsqlDataSource.Create(connection);
        async Task<long> Count(string sql)
        {
            await using var command = db.CreateCommand(sql);
            command.Parameters.AddWithValue("e", ev.EventId);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        // Issuance and payment events travel through outboxes: let them settle.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var valid = await Count("""SELECT count(*) FROM tickets.tickets WHERE "EventId" = @e AND "Status" = 0""");
        var seatTwice = await Count("""SELECT count(*) FROM (SELECT "SeatId" FROM tickets.tickets WHERE "EventId" = @e AND "Status" = 0 AND "SeatId" IS NOT NULL GROUP BY "SeatId" HAVING count(*) > 1) x""");
        var soldSeatsTwice = await Count("""SELECT count(*) FROM (SELECT s."SeatId" FROM orders.sold_seats s JOIN orders.orders o ON o."Id" = s."OrderId" WHERE o."EventId" = @e GROUP BY s."SeatId" HAVING count(*) > 1) x""");
        var capacity = ev.SeatCount + ev.StandingCapacity;
        EndCheck("Tickets sold ≤ capacity, each seat sold once", valid <= capacity && seatTwice == 0 && soldSeatsTwice == 0,
            $"{valid} valid tickets of {capacity} places; seats with two valid tickets: {seatTwice}; seats sold to two orders: {soldSeatsTwice}; tickets the buyers saw: {tickets.Count}");

        var capturedNoTickets = await Count("""
            SELECT count(*) FROM payments.attempts a WHERE a."EventId" = @e AND a."State" = 3
              AND NOT EXISTS (SELECT 1 FROM tickets.tickets t WHERE t."OrderId" = a."OrderId")
              AND NOT EXISTS (SELECT 1 FROM payments.refunds r WHERE r."PaymentId" = a."Id")
            """);
        var captured = await Count("""SELECT count(*) FROM payments.attempts a WHERE a."EventId" = @e AND a."State" = 3""");
        var authorizedLeft = await Count("""SELECT count(*) FROM payments.attempts a WHERE a."EventId" = @e AND a."State" = 2""");
        EndCheck("Every captured payment has its tickets or a refund", capturedNoTickets == 0 && authorizedLeft == 0,
            $"{captured} captured payments, without tickets or refund: {capturedNoTickets}; authorizations left neither captured nor voided: {authorizedLeft}");

        var ticketsNoPayment = await Count("""
            SELECT count(*) FROM tickets.tickets t WHERE t."EventId" = @e
              AND NOT EXISTS (SELECT 1 FROM payments.attempts a WHERE a."OrderId" = t."OrderId" AND a."State" = 3)
            """);
        var abandoned = all.Where(p => p.Plan == PayPlan.Abandon && p.OrderId is not null).Select(p => p.OrderId!.Value).ToHashSet();
        var abandonedWithTickets = tickets.Count(t => abandoned.Contains(t.OrderId));
        var unpaidWithTickets = await Count("""
            SELECT count(*) FROM tickets.tickets t JOIN orders.orders o ON o."Id" = t."OrderId"
            WHERE t."EventId" = @e AND o."PaidAt" IS NULL
            """);
        EndCheck("No ticket without a payment", ticketsNoPayment == 0 && abandonedWithTickets == 0 && unpaidWithTickets == 0,
            $"tickets without a captured payment: {ticketsNoPayment}; of unpaid orders: {unpaidWithTickets}; of the {abandoned.Count} orders abandoned at payment: {abandonedWithTickets}");
    }

    /// <summary>The ledger to the cent: the app's own reconciliation command (journal vs orders vs gateway), which must exit 0.</summary>
    async Task ReconcileAsync()
    {
        if (options.Reconcile is not { } command)
        {
            EndCheck("The ledger balances (reconcile exits 0)", false, "not run: pass --reconcile with the command (bench/run.sh does)");
            return;
        }
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = (await stdout).Trim();
        var tail = string.Join(" / ", output.Split('\n').TakeLast(6).Select(l => l.Trim()));
        EndCheck("The ledger balances (reconcile exits 0)", process.ExitCode == 0,
            $"`reconcile` exit {process.ExitCode}: {tail}{((await stderr).Length > 0 && process.ExitCode != 0 ? " — " + (await stderr).Trim().Split('\n')[^1] : "")}");
    }
}
