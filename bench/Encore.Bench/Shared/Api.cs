using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>Encore over HTTP, as a client sees it: sign-in, the organizer's setup calls, holds.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static HttpClient Client(string baseUrl, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Signs in through /api/identity/login and returns the bearer token; a second factor when a key is given.</summary>
    public static async Task<string> LoginAsync(HttpClient http, string email, string password, string? authenticatorKey = null, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var body = new JsonObject { ["email"] = email, ["password"] = password };
            if (authenticatorKey is not null) body["twoFactorCode"] = Totp.Code(authenticatorKey, DateTimeOffset.UtcNow);
            using var response = await http.PostAsJsonAsync("/api/identity/login?useCookies=false", body, ct);
            if (response.IsSuccessStatusCode)
                return (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["accessToken"]!.GetValue<string>();
            // A one-time code is refused when it was used in this 30-second step already: wait for the next.
            if (authenticatorKey is not null && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(31 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30), ct);
                continue;
            }
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }
            throw new InvalidOperationException($"Login of {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>
    /// Signs in accounts buyer{first..}@bench.test in parallel, each then reporting its browser's
    /// device signals as the page script does (which issues the device cookie the rate limits and
    /// the bot gate key on). <paramref name="bots"/> of them, the first ones, report BotD's detection.
    /// </summary>
    public static async Task<Buyer[]> LoginBuyersAsync(string baseUrl, int first, int count, string password, int parallel, int bots = 0, CancellationToken ct = default)
    {
        using var http = Client(baseUrl, parallel);
        var tokens = new Buyer[count];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
        {
            var bearer = await LoginAsync(http, BuyerEmail(first + i), password, ct: token);
            tokens[i] = await Buyer.ReportDeviceAsync(http, bearer, $"benchvisitor{first + i:D8}", bot: i < bots, token);
            var n = Interlocked.Increment(ref done);
            if (n % 500 == 0) Console.Error.WriteLine($"  {n}/{count} buyers signed in");
        });
        return tokens;
    }

    public static string BuyerEmail(int n) => $"buyer{n.ToString(CultureInfo.InvariantCulture)}@bench.test";

    public static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string url, string token, object? body, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}

/// <summary>
/// A signed-in buyer as a browser presents itself: bearer token, the device cookie, and the headers
/// a real browser sends (a Firefox User-Agent, Accept-Language), so the risk score sees a person
/// unless the device reported automation; once admitted from a waiting room, the admission token
/// too. Stored one per line: token, tab, cookie, tab, bot flag[, tab, admission token].
/// </summary>
public sealed record Buyer(string Token, string? DeviceCookie, bool Bot, string? Admission = null)
{
    public const string AdmissionHeader = "Encore-Admission";

    public const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    public void Apply(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Accept-Language", "en-GB,en;q=0.8");
        if (DeviceCookie is not null) request.Headers.TryAddWithoutValidation("Cookie", DeviceCookie);
        if (Admission is not null) request.Headers.TryAddWithoutValidation(AdmissionHeader, Admission);
    }

    public override string ToString() => $"{Token}\t{DeviceCookie}\t{(Bot ? "bot" : "human")}{(Admission is null ? "" : $"\t{Admission}")}";

    public static Buyer Parse(string line)
    {
        var parts = line.Split('\t');
        return new Buyer(parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null, parts.Length > 2 && parts[2] == "bot",
            parts.Length > 3 && parts[3].Length > 0 ? parts[3] : null);
    }

    public static Buyer[] Load(string path) => [.. File.ReadLines(path).Where(l => l.Length > 0).Select(Parse)];

    /// <summary>POST /api/bot-defense/signals; returns the buyer with the device cookie it was given.</summary>
    public static async Task<Buyer> ReportDeviceAsync(HttpClient http, string bearer, string visitorId, bool bot, CancellationToken ct)
    {
        var buyer = new Buyer(bearer, null, bot);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bot-defense/signals")
        {
            Content = JsonContent.Create(new { visitorId, bot, botKind = bot ? "headless_chrome" : null, webdriver = bot }, options: Api.Json),
        };
        buyer.Apply(request);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return buyer; // a build without bot defenses
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Device report: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.StartsWith("encore.device=", StringComparison.Ordinal))
            : null;
        return buyer with { DeviceCookie = cookie };
    }
}

/// <summary>A performance created for a run: its seats as blocks of adjacent seats, and its standing area.</summary>
public sealed record BenchEvent(Guid EventId, Guid PerformanceId, Guid VenueId, IReadOnlyList<IReadOnlyList<Guid>> Rows, string StandingSection, int StandingCapacity, int BuyerLimit)
{
    public int SeatCount => Rows.Sum(r => r.Count);

    /// <summary>Disjoint runs of n adjacent seats (a row's tail shorter than n is left out).</summary>
    public List<Guid[]> Blocks(int n) => [.. Rows.SelectMany(row => row.Chunk(n).Where(c => c.Length == n))];

    public async Task SaveAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Api.Json));

    public static BenchEvent Load(string path) => JsonSerializer.Deserialize<BenchEvent>(File.ReadAllText(path), Api.Json)!;
}

/// <summary>The organizer's side: a generated venue imported through the seat-map API, an event on sale now.</summary>
public static class EventSetup
{
    public const string Organizer = "organizer@encore.test";
    public const string DemoPassword = "encore-demo-pass";
    public const string DemoAuthenticatorKey = "ENCOREDEMOKEYENCOREDEMOKEY234567";
    const int SeatsPerRow = 40;
    const int RowsPerSection = 25;

    /// <summary>Reserved sections of 25 rows × 40 seats until <paramref name="seats"/> are placed, plus one standing area.</summary>
    public static JsonObject Venue(string name, int seats, int standing)
    {
        var sections = new JsonArray();
        var perSection = SeatsPerRow * RowsPerSection;
        var count = (seats + perSection - 1) / perSection;
        var placed = 0;
        for (var s = 0; s < count; s++)
        {
            var rows = new JsonArray();
            int col = s % 5, line = s / 5;
            for (var r = 0; r < RowsPerSection && placed < seats; r++)
            {
                var seatArray = new JsonArray();
                for (var n = 1; n <= SeatsPerRow && placed < seats; n++, placed++)
                    seatArray.Add(new JsonObject
                    {
                        ["label"] = n.ToString(CultureInfo.InvariantCulture),
                        ["x"] = 50 + col * 450 + n * 10,
                        ["y"] = 400 + line * 300 + r * 10,
                        ["aisle"] = n == 1 || n == SeatsPerRow,
                    });
                rows.Add(new JsonObject { ["label"] = RowLabel(r), ["seats"] = seatArray });
            }
            sections.Add(new JsonObject
            {
                ["code"] = $"S{s + 1:D2}", ["name"] = $"Block {s + 1}", ["kind"] = "reserved", ["priceZone"] = "SEATED", ["rows"] = rows,
            });
        }
        sections.Add(new JsonObject
        {
            ["code"] = "FLOOR", ["name"] = "Standing floor", ["kind"] = "generalAdmission", ["capacity"] = standing,
            ["x"] = 200, ["y"] = 50, ["width"] = 1800, ["height"] = 300,
        });
        return new JsonObject
        {
            ["name"] = name, ["address"] = "1 Benchmark Road", ["city"] = "Benchton", ["countryCode"] = "GB", ["timeZone"] = "Europe/London",
            ["width"] = 2400, ["height"] = 400 + 300 * ((count + 4) / 5) + 100, ["sections"] = sections,
        };
    }

    static string RowLabel(int r) => r < 26 ? ((char)('A' + r)).ToString() : "A" + (char)('A' + r - 26);

    public static async Task<BenchEvent> CreateAsync(string baseUrl, int seats, int standing, int buyerLimit, CancellationToken ct = default) =>
        (await CreateWithTokenAsync(baseUrl, seats, standing, buyerLimit, ct)).Event;

    /// <summary>The event, and the organizer's bearer token for further setup (the waiting room).</summary>
    /// <param name="doorsOpenNow">The performance starts in two hours with its doors open since an hour ago (London time), so gates can scan now.</param>
    public static async Task<(BenchEvent Event, string OrganizerToken)> CreateWithTokenAsync(string baseUrl, int seats, int standing, int buyerLimit,
        CancellationToken ct = default, bool doorsOpenNow = false)
    {
        using var http = Api.Client(baseUrl, 4);
        http.Timeout = TimeSpan.FromMinutes(5);
        var token = await Api.LoginAsync(http, Organizer, DemoPassword, DemoAuthenticatorKey, ct);
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

        var venue = await Api.SendAsync(http, HttpMethod.Post, "/api/organizer/venues", token, Venue($"Bench Arena {stamp}", seats, standing), ct);
        var venueId = venue["id"]!.GetValue<Guid>();
        var ev = await Api.SendAsync(http, HttpMethod.Post, "/api/organizer/events", token,
            new { venueId, title = $"Flash sale bench {stamp}", description = "A generated event for the benchmarks.", genre = "Rock" }, ct);
        var eventId = ev["event"]!["id"]!.GetValue<Guid>();
        var startsAt = DateTime.UtcNow.Date.AddDays(60).AddHours(19).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        if (doorsOpenNow)
        {
            var london = TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/London");
            string Local(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
            await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/performances", token,
                new { startsAt = Local(london.AddHours(2)), doorsAt = Local(london.AddHours(-1)), durationMinutes = 120 }, ct);
        }
        else await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/performances", token, new { startsAt, durationMinutes = 120 }, ct);
        await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/tiers", token,
            new { name = "Seated", priceMinor = 5500, currency = "GBP", priceZone = "SEATED", minPerOrder = 1, maxPerOrder = buyerLimit }, ct);
        await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/tiers", token,
            new { name = "Standing", priceMinor = 4000, currency = "GBP", sectionCodes = new[] { "FLOOR" }, minPerOrder = 1, maxPerOrder = buyerLimit }, ct);
        await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/windows", token,
            new { kind = "general", name = "General sale", startsAt = DateTimeOffset.UtcNow.AddMinutes(-1), endsAt = DateTimeOffset.UtcNow.AddDays(30) }, ct);
        var published = await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/publish", token, null, ct);
        var performanceId = published["event"]!["performances"]![0]!["id"]!.GetValue<Guid>();

        using var mapResponse = await http.GetAsync($"/api/venues/{venueId}/seatmap", ct);
        mapResponse.EnsureSuccessStatusCode();
        var map = JsonNode.Parse(await mapResponse.Content.ReadAsStringAsync(ct))!;
        var rows = new List<IReadOnlyList<Guid>>();
        foreach (var section in map["sections"]!.AsArray())
            foreach (var row in section!["rows"]!.AsArray())
                rows.Add([.. row!["seats"]!.AsArray().Select(seat => seat!["id"]!.GetValue<Guid>())]);

        // The first availability read materializes the performance's inventory.
        using var availability = await http.GetAsync($"/api/performances/{performanceId}/availability", ct);
        availability.EnsureSuccessStatusCode();
        return (new BenchEvent(eventId, performanceId, venueId, rows, "FLOOR", standing, buyerLimit), token);
    }
}
