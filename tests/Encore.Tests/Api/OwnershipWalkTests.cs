using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Contracts.Identity;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Encore.Tests.Api;

/// <summary>
/// Every operation of the OpenAPI document, called anonymously and as each demo role, aimed at
/// resources that belong to someone else: a second organizer (made through the admin API) with its
/// own venue and draft event. Nobody but their owner may read or change them.
/// </summary>
public sealed class OwnershipWalkTests
{
    static readonly string[] Callers = ["anonymous", Roles.Buyer, Roles.Seller, Roles.Organizer, Roles.Scanner, Roles.Admin];

    sealed record Rival(Guid OrganizerId, Guid VenueId, Guid EventId, Guid PerformanceId, Guid TierId, Guid WindowId, Guid Version)
    {
        public IReadOnlyDictionary<string, string> PathValues => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["organizerId"] = OrganizerId.ToString(),
            ["venueId"] = VenueId.ToString(),
            ["eventId"] = EventId.ToString(),
            ["idOrSlug"] = EventId.ToString(),
            ["performanceId"] = PerformanceId.ToString(),
            ["tierId"] = TierId.ToString(),
            ["windowId"] = WindowId.ToString(),
        };

        public IEnumerable<Guid> Ids => [VenueId, EventId, PerformanceId, TierId, WindowId];
    }

    static async Task<Rival> RivalAsync(EncoreAppFactory app)
    {
        var rival = await app.SecondOrganizerAsync();
        var venueId = await rival.CreateVenueAsync(CatalogClient.SmallVenue("Rival Hall"));
        var eventId = await rival.CreateDraftAsync(venueId, "Rival Night");
        await rival.MakeReadyAsync(eventId);
        var ev = await (await rival.GetAsync($"/api/organizer/events/{eventId}")).ReadJsonAsync();
        var detail = ev["event"] ?? ev;
        Guid First(string list) => detail[list]!.AsArray()[0]!["id"]!.GetValue<Guid>();
        var organizerId = detail["organizerId"]!.GetValue<Guid>();
        var version = (ev["version"] ?? detail["version"])!.GetValue<Guid>();
        return new Rival(organizerId, venueId, eventId, First("performances"), First("tiers"), First("windows"), version);
    }

    [Fact]
    public async Task Nobody_reaches_another_organizer_s_resources_through_any_operation()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var rival = await RivalAsync(app);
        var client = app.CreateClient();
        var document = await client.GetFromJsonAsync<JsonNode>("/openapi/v1.json");
        var walk = new OpenApiWalk(document!, app.Service<EndpointDataSource>());
        var tokens = new Dictionary<string, string?> { ["anonymous"] = null };
        foreach (var role in Callers.Skip(1)) tokens[role] = await TokenAsync(app, client, $"{role}@encore.test");

        var failures = new List<string>();
        var table = new List<string>();
        foreach (var op in walk.Operations.Where(o => !IsAccountFlow(o)))
        {
            var row = new List<string>();
            var body = Bodies(rival).GetValueOrDefault(op.ToString());
            foreach (var caller in Callers)
            {
                var (status, text) = await SendAsync(client, walk.WithPathValues(op, WithFixed(rival.PathValues), body), tokens[caller]);
                row.Add($"{caller}={status}");
                if (Expectation(op, caller, status, text, rival) is { } wrong) failures.Add($"{op} as {caller}: {wrong}");
                // Another organizer's resource must look exactly like one that does not exist.
                if (AimsAtRival(op, rival) && !(caller == Roles.Admin && op.Path.StartsWith("/api/admin", StringComparison.Ordinal))
                    && !op.Path.StartsWith("/api/venues/", StringComparison.Ordinal))
                {
                    var unknown = rival.PathValues.ToDictionary(kv => kv.Key, _ => Guid.NewGuid().ToString(), StringComparer.OrdinalIgnoreCase);
                    var (unknownStatus, unknownText) = await SendAsync(client, walk.WithPathValues(op, WithFixed(unknown), body), tokens[caller]);
                    if (unknownStatus != status || Normalize(unknownText) != Normalize(text))
                        failures.Add($"{op} as {caller}: answers {status} {Normalize(text)} but {unknownStatus} {Normalize(unknownText)} for an id that does not exist");
                }
            }
            table.Add($"{op}: {string.Join(' ', row)}");
        }

        Assert.True(walk.Operations.Count(o => o.Parameters.Any(p => p.In == "path")) >= 10, "the walk found too few operations on resources");
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n\nTable:\n" + string.Join('\n', table));
    }

    /// <summary>What a caller may get: null when the answer is right, else what is wrong with it.</summary>
    static string? Expectation(ApiOperation op, string caller, int status, string body, Rival rival)
    {
        if (status >= 500) return $"answered {status}";
        if (caller == "anonymous")
            return op.Anonymous || status == 401 ? LeakCheck(op, caller, status, body, rival) : $"answered {status}, expected 401";
        if (status == 401) return "a signed-in caller got 401";

        var required = op.Path.StartsWith("/api/admin", StringComparison.Ordinal) ? Roles.Admin
            : op.Path.StartsWith("/api/organizer", StringComparison.Ordinal) ? Roles.Organizer
            : op.Path.StartsWith("/api/scanner", StringComparison.Ordinal) ? Roles.Scanner
            : null;
        if (required is not null && caller != required)
            return status == 403 ? null : $"answered {status}, expected 403 for a {caller}";
        // The admin manages organizers: it may see and touch them, that is its job.
        if (caller == Roles.Admin && required == Roles.Admin) return null;

        if (AimsAtRival(op, rival) && required is not null)
            return status is 403 or 404 ? null : $"answered {status} for another organizer's resource, expected 404 or 403";
        return LeakCheck(op, caller, status, body, rival);
    }

    // A draft event, its venue and its parts are nobody's business but their organizer's: no
    // answer to anyone else may carry their ids (public seat maps of venues are by design).
    static string? LeakCheck(ApiOperation op, string caller, int status, string body, Rival rival)
    {
        if (status is < 200 or >= 300) return null;
        if (op.Path == "/api/events/{idOrSlug}") return "a draft event is visible";
        if (op.Path.StartsWith("/api/venues/", StringComparison.Ordinal)) return null;
        var leaked = rival.Ids.Where(id => body.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase)).ToList();
        return leaked.Count == 0 ? null : $"answered {status} carrying another organizer's ids {string.Join(", ", leaked)}";
    }

    static bool AimsAtRival(ApiOperation op, Rival rival) => op.Parameters.Any(p => p.In == "path" && rival.PathValues.ContainsKey(p.Name));

    /// <summary>Path values that are not ids, valid so that a refusal is about ownership.</summary>
    static Dictionary<string, string> WithFixed(IReadOnlyDictionary<string, string> ids) =>
        new(ids.Append(KeyValuePair.Create("pool", "artist")), StringComparer.OrdinalIgnoreCase);

    /// <summary>Bodies that pass validation, so a refusal is about ownership and not about the input.</summary>
    static Dictionary<string, JsonNode> Bodies(Rival rival) => new()
    {
        ["PUT /api/organizer/events/{eventId}"] = new JsonObject { ["title"] = "Taken over", ["description"] = "Not yours.", ["genre"] = "rock", ["version"] = rival.Version.ToString() },
        ["PUT /api/organizer/events/{eventId}/hold-settings"] = new JsonObject { ["holdMinutes"] = 10, ["ticketLimit"] = 4 },
        ["POST /api/organizer/performances/{performanceId}/pools/{pool}/block"] = new JsonObject { ["seatIds"] = new JsonArray(Guid.NewGuid().ToString()) },
        ["POST /api/organizer/performances/{performanceId}/pools/{pool}/release"] = new JsonObject { ["seatIds"] = new JsonArray(Guid.NewGuid().ToString()) },
    };

    static async Task<(int Status, string Body)> SendAsync(HttpClient client, WalkRequest request, string? token)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Operation.Method), request.Url) { Content = request.Content };
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        message.Headers.Accept.ParseAdd("application/json");
        using var response = await client.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    static string Normalize(string body) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", ""),
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "<id>");

    // Registration, sign-in and the like act on the caller's own account or on a token, not on resources.
    static bool IsAccountFlow(ApiOperation op) => op.Path.StartsWith("/api/identity/", StringComparison.Ordinal) && op.Path != "/api/identity/me";

    // Organizer and admin answer the second-factor challenge (Infrastructure/SecondFactor.cs).
    static async Task<string> TokenAsync(EncoreAppFactory app, HttpClient client, string email) =>
        (string)(await app.LoginAsync(client, email, CatalogClient.Password))["accessToken"]!;
}
