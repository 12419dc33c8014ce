using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Identity.Oidc;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Encore.Tests.Identity.OidcTestHost;

namespace Encore.Tests.Identity;

/// <summary>Signing keys rotate without a moment when a valid token fails: the successor is published first, the predecessor stays.</summary>
public sealed class OidcKeyRotationTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_token_signed_before_a_rotation_still_validates_after_it(StorageProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = EncoreAppFactory.For(provider, seedDemo: true).With("Encore:Demo:ScannerClientSecret", ScannerSecret);
        var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var ring = app.Services.GetRequiredService<OidcKeyRing>();
        var schedule = app.Services.GetRequiredService<OidcKeyOptions>();

        var first = Assert.Single(await KeyIdsAsync(client));
        Assert.Equal(first, Header(await ScannerTokenAsync(client), "kid"));

        // Days before the period ends the rotation job publishes the successor; it does not sign yet.
        clock.Advance(schedule.RotationPeriod - schedule.PublishAhead);
        await ring.EnsureKeysAsync();
        var published = await KeyIdsAsync(client);
        Assert.Equal(2, published.Count);
        var second = Assert.Single(published, k => k != first);
        clock.Advance(schedule.PublishAhead - TimeSpan.FromMinutes(5));
        var before = await ScannerTokenAsync(client);
        Assert.Equal(first, Header(before, "kid"));

        // The period ends: the successor signs, and the token signed a moment ago still opens the API.
        clock.Advance(TimeSpan.FromMinutes(10));
        var after = await ScannerTokenAsync(client);
        Assert.Equal(second, Header(after, "kid"));
        Assert.Equal([second, first], await KeyIdsAsync(client));
        foreach (var token in new[] { before, after })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/organizer/events");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            // Authenticated (a scanner, so not allowed in): 403, where a token that failed validation gets 401.
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Once every token the old key signed has expired, it is no longer published.
        clock.Advance(schedule.RotationPeriod);
        await ring.EnsureKeysAsync();
        clock.Advance(schedule.KeepAfter);
        var later = await KeyIdsAsync(client);
        Assert.DoesNotContain(first, later);
        Assert.Contains(second, later);
    }

    static async Task<List<string>> KeyIdsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/.well-known/jwks"))!["keys"]!.AsArray().Select(k => (string)k!["kid"]!).ToList();
}
