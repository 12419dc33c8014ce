using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Api;

/// <summary>
/// Walks every operation of the OpenAPI document on the embedded topology with demo data:
/// unauthenticated, then as the role the path is for with bad input of every kind. Nothing may
/// answer 5xx, every 4xx is problem+json, and a refused request leaves every table as it was.
/// </summary>
public sealed class ApiWalkTests
{
    const string DemoPassword = "encore-demo-pass";

    [Fact]
    public async Task The_document_lists_operations_to_walk()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var walk = await WalkAsync(app);

        Assert.Contains(walk.Operations, o => o is { Method: "POST", Path: "/api/identity/login", Anonymous: true });
        Assert.Contains(walk.Operations, o => o is { Method: "GET", Path: "/api/identity/me", Anonymous: false });
    }

    [Fact]
    public async Task Unauthenticated_calls_get_401_unless_the_operation_is_anonymous_and_never_a_5xx()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var walk = await WalkAsync(app);
        var client = app.CreateClient();
        var failures = new List<string>();

        foreach (var op in walk.Operations)
        {
            var request = walk.Plausible(op);
            using var response = await SendAsync(client, request, token: null);
            var status = (int)response.StatusCode;
            if (!op.Anonymous && status != 401)
                failures.Add($"{request}: answered {status} to an anonymous caller, expected 401");
            else if (await OpenApiWalk.ProblemWithAsync(response) is { } problem)
                failures.Add($"{request}: {problem}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Bad_input_gets_a_problem_and_changes_nothing()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var walk = await WalkAsync(app);
        var client = app.CreateClient();
        var tokens = new Dictionary<string, string>();
        foreach (var role in new[] { "buyer", "organizer", "scanner", "admin" })
            tokens[role] = await LoginAsync(app, client, $"{role}@encore.test");

        var failures = new List<string>();
        var requests = 0;
        // Consumers write in the background when the demo data's events are relayed; let them finish first.
        await app.WaitForOutboxAsync();
        var rows = await CountRowsAsync(app.ConnectionString);
        foreach (var op in walk.Operations)
        {
            var token = tokens[RoleFor(op.Path)];
            foreach (var request in walk.BadRequests(op).Prepend(walk.Plausible(op)))
            {
                requests++;
                using var response = await SendAsync(client, request, token);
                if (await OpenApiWalk.ProblemWithAsync(response) is { } problem)
                    failures.Add($"{request}: {problem}");

                var after = await CountRowsAsync(app.ConnectionString);
                if ((int)response.StatusCode >= 400 && Changed(rows, after) is { } change)
                    failures.Add($"{request}: answered {(int)response.StatusCode} but changed {change}");
                rows = after;
            }
        }

        Assert.True(requests > walk.Operations.Count, "the walk sent no bad requests");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests misbehaved:\n" + string.Join('\n', failures));
    }

    [Fact]
    public async Task Account_management_requires_a_signed_in_user()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var client = app.CreateClient();

        using var anonymous = await client.GetAsync("/api/identity/manage/info");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        var token = await LoginAsync(app, client, "buyer@encore.test");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/identity/manage/info");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var signedIn = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("buyer@encore.test", (string?)(await signedIn.Content.ReadFromJsonAsync<JsonObject>())!["email"]);
    }

    [Fact]
    public async Task Every_endpoint_declares_its_authorization_explicitly()
    {
        await using var app = EncoreAppFactory.Sqlite();
        app.CreateClient().Dispose();

        var endpoints = app.Service<EndpointDataSource>().Endpoints;
        var undeclared = endpoints
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e is RouteEndpoint r ? $"{r.RoutePattern.RawText} ({e.DisplayName})" : $"{e.GetType().Name} {e.DisplayName}")
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.True(undeclared.Count == 0, "Endpoints with neither a policy nor AllowAnonymous:\n" + string.Join('\n', undeclared));
    }

    static string RoleFor(string path) =>
        path.StartsWith("/api/admin", StringComparison.Ordinal) ? "admin"
        : path.StartsWith("/api/organizer", StringComparison.Ordinal) ? "organizer"
        : path.StartsWith("/api/scanner", StringComparison.Ordinal) ? "scanner"
        : "buyer";

    static async Task<OpenApiWalk> WalkAsync(EncoreAppFactory app)
    {
        var client = app.CreateClient();
        var document = await client.GetFromJsonAsync<JsonNode>("/openapi/v1.json");
        var walk = new OpenApiWalk(document!, app.Service<EndpointDataSource>());
        Assert.NotEmpty(walk.Operations);
        return walk;
    }

    // Organizer and admin sign in with a second factor (a fresh recovery code).
    static async Task<string> LoginAsync(EncoreAppFactory app, HttpClient client, string email) =>
        (string)(await app.LoginAsync(client, email, DemoPassword))["accessToken"]!;

    static async Task<HttpResponseMessage> SendAsync(HttpClient client, WalkRequest walk, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(walk.Operation.Method), walk.Url) { Content = walk.Content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        return await client.SendAsync(request);
    }

    /// <summary>Row counts of every table in the SQLite file (sqlite_master).</summary>
    static async Task<Dictionary<string, long>> CountRowsAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    static string? Changed(Dictionary<string, long> before, Dictionary<string, long> after)
    {
        var changes = before.Keys.Union(after.Keys)
            .Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t} {before.GetValueOrDefault(t)} -> {after.GetValueOrDefault(t)}")
            .ToList();
        return changes.Count == 0 ? null : string.Join(", ", changes);
    }
}
