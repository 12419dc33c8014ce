using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Identity;
using Encore.Identity;
using Encore.Identity.Mfa;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Identity;

public sealed class MultiFactorTests
{
    const string Password = "a long enough passphrase";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_organizer_without_a_second_factor_is_refused_by_the_organizer_API_until_they_enrol(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var email = await NewAccountAsync(app, Roles.Organizer);
        var client = app.CreateClient();

        var passwordOnly = await LoginAsync(client, new { email, password = Password });
        var refused = await SendAsync(client, HttpMethod.Get, "/api/organizer/venues", passwordOnly);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(MultiFactorResultHandler.Title, (string?)problem!["title"]);
        Assert.Contains("Organizer accounts must sign in with a second factor.", (string?)problem["detail"]);

        // Enrol through the Identity API: a new key, a code from it, two-factor on.
        var setup = await (await SendJsonAsync(client, "/api/identity/manage/2fa", new { resetSharedKey = true }, passwordOnly)).Content.ReadFromJsonAsync<JsonObject>();
        var key = (string)setup!["sharedKey"]!;
        var step = Totp.StepAt(TimeProvider.System.GetUtcNow());
        var enabled = await SendJsonAsync(client, "/api/identity/manage/2fa", new { enable = true, twoFactorCode = CodeAt(key, step) }, passwordOnly);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var recoveryCodes = (await enabled.Content.ReadFromJsonAsync<JsonObject>())!["recoveryCodes"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(10, recoveryCodes.Count);

        // The password alone no longer signs in; the code enrolled with is used up, the next one works.
        var noCode = await client.PostAsJsonAsync("/api/identity/login", new { email, password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
        var replayed = await client.PostAsJsonAsync("/api/identity/login", new { email, password = Password, twoFactorCode = CodeAt(key, step) });
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        var withCode = await LoginAsync(client, new { email, password = Password, twoFactorCode = CodeAt(key, step + 1) });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/organizer/venues", withCode)).StatusCode);
    }

    [Fact]
    public async Task A_refreshed_token_keeps_its_second_factor()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var email = await NewAccountAsync(app, Roles.Organizer);
        await app.EnableAuthenticatorAsync(email);
        var client = app.CreateClient();
        var login = await app.LoginAsync(client, email, Password);

        var refresh = await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = (string)login["refreshToken"]! });
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var refreshed = (string)(await refresh.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/organizer/venues", refreshed)).StatusCode);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var email = await NewAccountAsync(app, Roles.Admin);
        await app.EnableAuthenticatorAsync(email);
        var code = await app.NewRecoveryCodeAsync(email);
        var client = app.CreateClient();

        // Typed as people do: lower case, without the hyphen.
        var first = await client.PostAsJsonAsync("/api/identity/login", new { email, password = Password, twoFactorRecoveryCode = code.Replace("-", "").ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var again = await client.PostAsJsonAsync("/api/identity/login", new { email, password = Password, twoFactorRecoveryCode = code });
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task Recovery_codes_are_stored_as_hashes()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var email = await NewAccountAsync(app, Roles.Buyer);
        await app.EnableAuthenticatorAsync(email);
        var code = await app.NewRecoveryCodeAsync(email);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var stored = db.UserTokens.Select(t => t.Value).ToList();
        Assert.DoesNotContain(stored, value => value != null && value.Contains(code, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_buyer_without_a_second_factor_keeps_signing_in_with_a_password()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var email = await NewAccountAsync(app, Roles.Buyer);
        var client = app.CreateClient();
        var token = await LoginAsync(client, new { email, password = Password });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/identity/me", token)).StatusCode);
        // Not an organizer: the usual refusal, not a second-factor one.
        var refused = await SendAsync(client, HttpMethod.Get, "/api/organizer/venues", token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.NotEqual(MultiFactorResultHandler.Title, (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
    }

    [Fact]
    public async Task An_organizer_without_a_second_factor_is_sent_from_the_console_to_enrolment()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var email = await NewAccountAsync(app, Roles.Organizer);
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        // The Identity API signs in with the cookie too, when asked.
        var login = await client.PostAsJsonAsync("/api/identity/login?useCookies=true", new { email, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/organizer");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/two-factor?required=true&returnUrl=%2Forganizer", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_cookie_session_keeps_its_second_factor_through_the_periodic_stamp_check()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var email = await NewAccountAsync(app, Roles.Organizer);
        await app.EnableAuthenticatorAsync(email);
        var code = await app.NewRecoveryCodeAsync(email);
        // The check runs every 30 minutes in production; here on every request.
        await using var checking = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero)));
        var client = checking.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/identity/login?useCookies=true", new { email, password = Password, twoFactorRecoveryCode = code });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        for (var visit = 0; visit < 2; visit++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/organizer");
            request.Headers.Accept.ParseAdd("text/html");
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    static async Task<string> NewAccountAsync(EncoreAppFactory app, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.org";
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityDemoData>().EnsureRolesAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        var user = new EncoreUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, DisplayName = role, CreatedAt = TimeProvider.System.GetUtcNow() };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        if (role != Roles.Buyer) Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return email;
    }

    /// <summary>The code of a time step (the server accepts now ±1, each step once).</summary>
    static string CodeAt(string key, long step) => Totp.Code(Totp.DecodeKey(key)!, step);

    static async Task<string> LoginAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/identity/login", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!;
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        return client.SendAsync(request);
    }

    static Task<HttpResponseMessage> SendJsonAsync(HttpClient client, string path, object body, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
