using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Persistence;
using Encore.Identity.Oidc;
using Encore.Identity.Sessions;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Encore.Tests.Identity.OidcTestHost;

namespace Encore.Tests.Identity;

/// <summary>A bearer token is validated once per instance, and what was validated never outlives the token.</summary>
public sealed class ValidatedBearerTokenTests
{
    [Fact]
    public void A_validation_is_kept_until_the_token_expires_and_a_minute_at_most()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var tokens = new ValidatedBearerTokens(clock);
        tokens.Remember("long", Ticket(clock.GetUtcNow().AddMinutes(15)));
        tokens.Remember("short", Ticket(clock.GetUtcNow().AddSeconds(20)));
        tokens.Remember("no-expiry", Ticket(null));
        tokens.Remember("expired", Ticket(clock.GetUtcNow().AddSeconds(-1)));
        Assert.True(tokens.TryGet("long", out _));
        Assert.True(tokens.TryGet("short", out _));
        Assert.False(tokens.TryGet("no-expiry", out _));
        Assert.False(tokens.TryGet("expired", out _));

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.False(tokens.TryGet("short", out _));
        Assert.True(tokens.TryGet("long", out _));

        clock.Advance(Encore.BuildingBlocks.Http.VerifiedTokens<AuthenticationTicket>.KeepFor - TimeSpan.FromSeconds(20));
        Assert.False(tokens.TryGet("long", out _));
    }

    [Fact]
    public void Each_request_gets_its_own_copy_of_what_was_validated()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var tokens = new ValidatedBearerTokens(clock);
        tokens.Remember("token", Ticket(clock.GetUtcNow().AddMinutes(5)));

        Assert.True(tokens.TryGet("token", out var first));
        first.Principal.AddIdentity(new ClaimsIdentity([new Claim("added", "by one request")]));
        first.Properties.Items["added"] = "by one request";

        Assert.True(tokens.TryGet("token", out var second));
        Assert.Null(second.Principal.FindFirst("added"));
        Assert.False(second.Properties.Items.ContainsKey("added"));
        Assert.Equal("scanner-gate-1", second.Principal.FindFirst("sub")!.Value);
        Assert.Equal("test", second.AuthenticationScheme);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_device_token_is_validated_once_a_forged_one_never_and_an_expired_one_is_refused(StorageProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = EncoreAppFactory.For(provider, seedDemo: true).With("Encore:Demo:ScannerClientSecret", ScannerSecret);
        var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var validated = app.Services.GetRequiredService<ValidatedBearerTokens>();

        var token = await ScannerTokenAsync(client);

        // Authenticated (a scanner, so not allowed in): 403, where a token that fails validation gets 401.
        Assert.False(validated.TryGet(token, out _));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWithAsync(client, "/api/organizer/events", token));
        Assert.True(validated.TryGet(token, out var ticket));
        Assert.Equal("encore-demo-scanner", ticket.Principal.FindFirst("sub")!.Value);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWithAsync(client, "/api/organizer/events", token));

        // The same claims under another signature are not the validated token.
        var parts = token.Split('.');
        var middle = parts[2].Length / 2;
        parts[2] = parts[2][..middle] + (parts[2][middle] == 'A' ? 'B' : 'A') + parts[2][(middle + 1)..];
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(client, "/api/organizer/events", string.Join('.', parts)));

        clock.Advance(OidcServer.AccessTokenLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(client, "/api/organizer/events", token));
    }

    [Fact]
    public async Task A_buyers_opaque_token_is_validated_once_and_refused_after_it_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = EncoreAppFactory.For(StorageProvider.Sqlite);
        var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        using var client = app.CreateClient();
        var validated = app.Services.GetRequiredService<ValidatedBearerTokens>();
        const string email = "fan@example.org", password = "a long enough passphrase";

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/identity/register", new { email, password })).StatusCode);
        var mail = Assert.Single(app.Services.GetRequiredService<DevelopmentMailbox>().Newest(), m => m.Message.To == email);
        var link = System.Text.RegularExpressions.Regex.Match(mail.Message.TextBody, @"https?://\S+").Value;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(link).PathAndQuery)).StatusCode);
        var login = await client.PostAsJsonAsync("/api/identity/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var (token, lifetime) = (await login.Content.ReadFromJsonAsync<LoginResponse>())! is var r ? (r.AccessToken, TimeSpan.FromSeconds(r.ExpiresIn)) : default;

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(client, "/api/identity/me", token));
        Assert.True(validated.TryGet(token, out _));
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(client, "/api/identity/me", token));

        clock.Advance(lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(client, "/api/identity/me", token));
    }

    sealed record LoginResponse(string AccessToken, long ExpiresIn);

    static async Task<HttpStatusCode> StatusWithAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    static AuthenticationTicket Ticket(DateTimeOffset? expires) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "scanner-gate-1")], "test")),
            new AuthenticationProperties { ExpiresUtc = expires }, "test");
}
