using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Inventory;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.WebUtilities;
using static Encore.Tests.Identity.OidcTestHost;

namespace Encore.Tests.Identity;

/// <summary>Scripted OAuth clients against the app on a real port: what a mobile app, a web app and a gate scanner do.</summary>
public sealed class OidcServerTests
{
    const string AppClientId = "encore-demo-app";
    const string AppScopes = "openid profile email roles offline_access encore_api";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Discovery_names_the_endpoints_and_the_jwks_publishes_the_signing_key(StorageProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var client = host.Browser();

        var discovery = (await client.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;
        var issuer = (string)discovery["issuer"]!;
        Assert.Equal(host.BaseAddress.ToString(), issuer);
        Assert.Equal(issuer + "connect/authorize", (string)discovery["authorization_endpoint"]!);
        Assert.Equal(issuer + "connect/token", (string)discovery["token_endpoint"]!);
        Assert.Equal(issuer + "connect/revoke", (string)discovery["revocation_endpoint"]!);
        Assert.Equal(issuer + "connect/introspect", (string)discovery["introspection_endpoint"]!);
        Assert.Equal(issuer + "connect/endsession", (string)discovery["end_session_endpoint"]!);
        Assert.Equal(issuer + "connect/userinfo", (string)discovery["userinfo_endpoint"]!);
        Assert.Equal(["S256"], discovery["code_challenge_methods_supported"]!.AsArray().Select(v => (string)v!).Where(m => m == "S256"));
        Assert.Contains("encore_api", discovery["scopes_supported"]!.AsArray().Select(v => (string)v!));

        var jwks = (await client.GetFromJsonAsync<JsonObject>((string)discovery["jwks_uri"]!))!;
        var key = Assert.Single(jwks["keys"]!.AsArray());
        Assert.Equal(("RSA", "sig", "RS256"), ((string)key!["kty"]!, (string)key["use"]!, (string)key["alg"]!));
        Assert.Null(key["d"]);

        // Tokens are signed with the published key.
        var (_, tokens) = await ClientCredentialsAsync(client);
        Assert.Equal((string)key["kid"]!, Header((string)tokens["access_token"]!, "kid"));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_mobile_app_signs_in_a_buyer_with_pkce_and_calls_the_api(StorageProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var browser = host.Browser();
        var pkce = Pkce.New();

        // Not signed in yet: the authorization request sends the browser to the sign-in page and back.
        using (var anonymous = await browser.GetAsync(AuthorizeUrl(AppClientId, AppRedirect, pkce, AppScopes)))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            var login = anonymous.Headers.Location!;
            Assert.Equal("/account/login", login.IsAbsoluteUri ? login.AbsolutePath : login.OriginalString.Split('?')[0]);
            var returnUrl = QueryHelpers.ParseQuery(login.IsAbsoluteUri ? login.Query : "?" + login.OriginalString.Split('?')[1])["ReturnUrl"].ToString();
            Assert.StartsWith("/connect/authorize?", returnUrl, StringComparison.Ordinal);
            Assert.Contains("code_challenge=" + pkce.Challenge, returnUrl, StringComparison.Ordinal);
        }

        await SignInAsync(browser, "buyer@encore.test");
        // Any loopback port works for a native app registered with http://127.0.0.1/callback (RFC 8252).
        var code = await AuthorizeAsync(browser, AppClientId, AppRedirect, pkce, AppScopes);
        using var app = new HttpClient { BaseAddress = host.BaseAddress };
        var (status, tokens) = await RedeemCodeAsync(app, AppClientId, AppRedirect, code, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());

        var idToken = Payload((string)tokens["id_token"]!);
        Assert.Equal(("buyer@encore.test", "Demo buyer", AppClientId), ((string)idToken["email"]!, (string)idToken["name"]!, (string)idToken["aud"]!));
        Assert.NotNull(tokens["refresh_token"]);

        var accessToken = (string)tokens["access_token"]!;
        Assert.Equal("encore_api", (string)Payload(accessToken)["aud"]!);
        using var me = await GetWithTokenAsync(app, "/api/identity/me", accessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var account = (await me.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("buyer@encore.test", (string)account["email"]!);
        Assert.Equal((string)idToken["sub"]!, (string)account["id"]!);

        // Roles in the token drive the same policies as a cookie does.
        using var organizerOnly = await GetWithTokenAsync(app, "/api/organizer/events", accessToken);
        Assert.Equal(HttpStatusCode.Forbidden, organizerOnly.StatusCode);

        using var userinfo = await GetWithTokenAsync(app, "/connect/userinfo", accessToken);
        Assert.Equal(HttpStatusCode.OK, userinfo.StatusCode);
        Assert.Equal("buyer@encore.test", (string)(await userinfo.Content.ReadFromJsonAsync<JsonObject>())!["email"]!);

        // Signing out through the app ends the session here too and returns to the app.
        using var endSession = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/endsession", new Dictionary<string, string?>
        {
            ["id_token_hint"] = (string)tokens["id_token"]!,
            ["post_logout_redirect_uri"] = "http://127.0.0.1:5173/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, endSession.StatusCode);
        Assert.Equal("http://127.0.0.1:5173/", endSession.Headers.Location!.ToString());
        using var signedOut = await browser.GetAsync(AuthorizeUrl(AppClientId, AppRedirect, Pkce.New(), AppScopes));
        Assert.Contains("/account/login", signedOut.Headers.Location!.ToString());
    }

    [Fact]
    public async Task An_organizer_token_opens_the_organizer_api()
    {
        await using var host = await StartAsync(StorageProvider.Sqlite);
        using var browser = host.Browser();
        await SignInAsync(browser, "organizer@encore.test", recoveryCode: () => host.Factory.NewRecoveryCodeAsync("organizer@encore.test"));
        var pkce = Pkce.New();
        var code = await AuthorizeAsync(browser, AppClientId, AppRedirect, pkce, AppScopes);
        var (_, tokens) = await RedeemCodeAsync(browser, AppClientId, AppRedirect, code, pkce.Verifier);

        var accessToken = (string)tokens["access_token"]!;
        Assert.Contains("organizer", Payload(accessToken)["role"]!.AsArray().Select(r => (string)r!));
        // The session's second factor travels with the token, so the organizer policy accepts it.
        Assert.Contains("mfa", Payload(accessToken)["amr"] is JsonArray amr ? amr.Select(a => (string)a!) : [(string)Payload(accessToken)["amr"]!]);
        using var events = await GetWithTokenAsync(browser, "/api/organizer/events", accessToken);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_scanner_device_gets_a_token_with_client_credentials(StorageProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var device = host.Browser();

        var (status, tokens) = await ClientCredentialsAsync(device);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Null(tokens["refresh_token"]);
        var claims = Payload((string)tokens["access_token"]!);
        Assert.Equal("encore-demo-scanner", (string)claims["sub"]!);
        Assert.Equal("scanner", (string)claims["role"]!);

        // A device is not a person: no account behind it, and no organizer role.
        using var me = await GetWithTokenAsync(device, "/api/identity/me", (string)tokens["access_token"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var organizer = await GetWithTokenAsync(device, "/api/organizer/events", (string)tokens["access_token"]!);
        Assert.Equal(HttpStatusCode.Forbidden, organizer.StatusCode);

        var (wrongStatus, wrong) = await TokenAsync(device, new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "encore-demo-scanner",
            ["client_secret"] = "not the secret",
            ["scope"] = "encore_api",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal("invalid_client", (string)wrong["error"]!);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Refresh_tokens_rotate_and_a_replayed_one_revokes_the_whole_family(StorageProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var client = host.Browser();
        var first = await host.WebClientTokensAsync();
        var r1 = (string)first["refresh_token"]!;

        var (status, second) = await RefreshAsync(client, r1, WebClientId, WebClientSecret);
        Assert.True(status == HttpStatusCode.OK, second.ToJsonString());
        var r2 = (string)second["refresh_token"]!;
        Assert.NotEqual(r1, r2);
        Assert.True(await IsActiveAsync(client, r2, "refresh_token"));
        Assert.False(await IsActiveAsync(client, r1, "refresh_token"));

        // Someone replays the redeemed r1: refused, and every token of that sign-in is revoked,
        // so the thief's and the app's newest refresh token are both dead.
        var (replayStatus, replay) = await RefreshAsync(client, r1, WebClientId, WebClientSecret);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", (string)replay["error"]!);
        Assert.False(await IsActiveAsync(client, r2, "refresh_token"));
        Assert.False(await IsActiveAsync(client, (string)second["access_token"]!, "access_token"));
        var (afterStatus, after) = await RefreshAsync(client, r2, WebClientId, WebClientSecret);
        Assert.Equal(HttpStatusCode.BadRequest, afterStatus);
        Assert.Equal("invalid_grant", (string)after["error"]!);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_revoked_refresh_token_no_longer_works(StorageProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var client = host.Browser();
        var tokens = await host.WebClientTokensAsync();
        var refresh = (string)tokens["refresh_token"]!;

        using var revoke = await client.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = WebClientId,
            ["client_secret"] = WebClientSecret,
            ["token"] = refresh,
            ["token_type_hint"] = "refresh_token",
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False(await IsActiveAsync(client, refresh, "refresh_token"));
        var (status, body) = await RefreshAsync(client, refresh, WebClientId, WebClientSecret);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string)body["error"]!);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Wrong_verifiers_unknown_clients_and_foreign_redirects_get_oauth_errors_not_5xx(StorageProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var browser = host.Browser();
        await SignInAsync(browser, "buyer@encore.test");

        // A stolen code is useless without the verifier.
        var pkce = Pkce.New();
        var code = await AuthorizeAsync(browser, AppClientId, AppRedirect, pkce, AppScopes);
        var (wrongVerifier, refused) = await RedeemCodeAsync(browser, AppClientId, AppRedirect, code, Pkce.New().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, wrongVerifier);
        Assert.Equal("invalid_grant", (string)refused["error"]!);

        // PKCE is required (OpenIddict checks it before the redirect URI, so it answers here, not at the client).
        using (var noPkce = await browser.GetAsync($"/connect/authorize?client_id={AppClientId}&redirect_uri={Uri.EscapeDataString(AppRedirect)}&response_type=code&scope=openid"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noPkce.StatusCode);
            var problem = (await noPkce.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True((string?)problem["error"] == "invalid_request", problem.ToJsonString());
        }

        // No redirect to a client we do not know, nor to an address the client did not register.
        foreach (var (clientId, redirect) in new[] { ("no-such-client", AppRedirect), (AppClientId, "https://attacker.example/callback") })
        {
            using var response = await browser.GetAsync(AuthorizeUrl(clientId, redirect, Pkce.New(), "openid"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.False(string.IsNullOrEmpty((string?)problem["error"]), problem.ToJsonString());
        }

        var (unknownStatus, unknown) = await TokenAsync(browser, new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "no-such-client",
            ["client_secret"] = "whatever",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, unknownStatus);
        Assert.Equal("invalid_client", (string)unknown["error"]!);

        var (garbageStatus, garbage) = await RefreshAsync(browser, "not-a-token", AppClientId);
        Assert.Equal(HttpStatusCode.BadRequest, garbageStatus);
        Assert.Equal("invalid_grant", (string)garbage["error"]!);

        // A public client may not use client credentials, and a forged JWT does not open the API.
        var (publicStatus, _) = await TokenAsync(browser, new() { ["grant_type"] = "client_credentials", ["client_id"] = AppClientId });
        Assert.Equal(HttpStatusCode.BadRequest, publicStatus);
        using var forged = await GetWithTokenAsync(browser, "/api/identity/me", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    static Task<(HttpStatusCode Status, JsonObject Body)> ClientCredentialsAsync(HttpClient client) => TokenAsync(client, new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = "encore-demo-scanner",
        ["client_secret"] = ScannerSecret,
        ["scope"] = "encore_api",
    });

    [Fact]
    public async Task The_server_is_asked_about_its_own_paths_only()
    {
        var asked = 0;
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true).WithServices(services => services.AddOpenIddict().AddServer(server =>
            server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.ProcessRequestContext>(handler => handler
                .UseInlineHandler(context =>
                {
                    Interlocked.Increment(ref asked);
                    return default;
                })
                .SetOrder(int.MinValue))));
        var buyer = await app.NewBuyerAsync();

        Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync("/api/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync("/api/identity/me")).StatusCode);
        Assert.Equal(0, asked);

        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/.well-known/openid-configuration")).StatusCode);
        Assert.Equal(1, asked);
    }
}
