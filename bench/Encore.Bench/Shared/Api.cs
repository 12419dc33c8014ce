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

    /// <summary>Logs in accounts buyer{first..first+count-1}@bench.test in parallel; returns their tokens in order.</summary>
    public static async Task<string[]> LoginBuyersAsync(string baseUrl, int first, int count, string password, int parallel, CancellationToken ct = default)
    {
        using var http = Client(baseUrl, parallel);
        var tokens = new string[count];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
        {
            tokens[i] = await LoginAsync(http, BuyerEmail(first + i), password, ct: token);
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

    public static async Task<BenchEvent> CreateAsync(string baseUrl, int seats, int standing, int buyerLimit, CancellationToken ct = default)
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
        await Api.SendAsync(http, HttpMethod.Post, $"/api/organizer/events/{eventId}/performances", token, new { startsAt, durationMinutes = 120 }, ct);
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
        return new BenchEvent(eventId, performanceId, venueId, rows, "FLOOR", standing, buyerLimit);
    }
}
