using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Identity;

/// <summary>
/// The app on a real loopback port with demo data, and a scripted OAuth client: a browser (cookies,
/// no automatic redirects) that signs in on the sign-in page, and the token endpoint calls a client makes.
/// </summary>
internal sealed partial class OidcTestHost : IAsyncDisposable
{
    public const string DemoPassword = "encore-demo-pass";
    public const string ScannerSecret = "scanner-secret-for-tests";
    public const string WebClientId = "encore-test-web";
    public const string WebClientSecret = "web-secret-for-tests";
    public const string AppRedirect = "http://127.0.0.1:5173/callback";
    public const string WebRedirect = "https://web.example/signed-in";

    public EncoreAppFactory Factory { get; }
    public Uri BaseAddress { get; }

    OidcTestHost(EncoreAppFactory factory, Uri baseAddress)
    {
        Factory = factory;
        BaseAddress = baseAddress;
    }

    public static Task<OidcTestHost> StartAsync(StorageProvider provider) => StartAsync(EncoreAppFactory.For(provider, seedDemo: true));

    /// <summary>Starts a factory on Kestrel with the demo scanner's secret and one confidential web client from configuration.</summary>
    public static Task<OidcTestHost> StartAsync(EncoreAppFactory factory)
    {
        factory.With("Encore:Demo:ScannerClientSecret", ScannerSecret)
            .With("Encore:Oidc:Clients:0:ClientId", WebClientId)
            .With("Encore:Oidc:Clients:0:Type", "confidential")
            .With("Encore:Oidc:Clients:0:ClientSecret", WebClientSecret)
            .With("Encore:Oidc:Clients:0:RedirectUris:0", WebRedirect)
            .With("Encore:Oidc:Clients:0:GrantTypes:0", "authorization_code")
            .With("Encore:Oidc:Clients:0:GrantTypes:1", "refresh_token")
            .With("Encore:Oidc:Clients:0:Scopes:0", "openid")
            .With("Encore:Oidc:Clients:0:Scopes:1", "offline_access")
            .With("Encore:Oidc:Clients:0:Scopes:2", "encore_api");
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return Task.FromResult(new OidcTestHost(factory, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal))));
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();

    /// <summary>A client that keeps cookies and shows every redirect to the test.</summary>
    public HttpClient Browser(CookieContainer? cookies = null) => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies ?? new CookieContainer() })
    {
        BaseAddress = BaseAddress,
    };

    /// <summary>Signs in on the sign-in page as a person would.</summary>
    public static async Task SignInAsync(HttpClient browser, string email, string password = DemoPassword, Func<Task<string>>? recoveryCode = null)
    {
        var page = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        using var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}");
        if (response.Headers.Location?.OriginalString.Contains("/account/login/two-factor", StringComparison.Ordinal) != true) return;

        // Organizers and admins need a second factor: a recovery code, as in the other tests.
        Assert.NotNull(recoveryCode);
        var twoFactor = response.Headers.Location!.OriginalString;
        var second = await browser.GetStringAsync(twoFactor);
        using var confirmed = await browser.PostAsync(twoFactor, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "two-factor-recovery",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(second).Groups[1].Value),
            ["Recovery.RecoveryCode"] = await recoveryCode(),
        }));
        Assert.True(confirmed.StatusCode == HttpStatusCode.Redirect, $"second factor answered {(int)confirmed.StatusCode}");
    }

    public sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce New()
        {
            var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
            return new(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    /// <summary>The authorization request's address for a client (code flow, S256).</summary>
    public static string AuthorizeUrl(string clientId, string redirectUri, Pkce pkce, string scope, string state = "state-1") =>
        QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>Runs an authorization request for a signed-in browser and returns the code sent to the redirect URI.</summary>
    public static async Task<string> AuthorizeAsync(HttpClient browser, string clientId, string redirectUri, Pkce pkce, string scope)
    {
        using var response = await browser.GetAsync(AuthorizeUrl(clientId, redirectUri, pkce, scope));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"authorize answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!;
        Assert.StartsWith(redirectUri, location.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("state-1", query["state"].ToString());
        return query["code"].ToString();
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(HttpClient client, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"token endpoint answered {(int)response.StatusCode}: {body}");
        return (response.StatusCode, JsonNode.Parse(body)!.AsObject());
    }

    /// <summary>An access token of the demo scanner client (client credentials), for a host started with <see cref="ScannerSecret"/>.</summary>
    public static async Task<string> ScannerTokenAsync(HttpClient client)
    {
        var (status, body) = await TokenAsync(client, new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "encore-demo-scanner",
            ["client_secret"] = ScannerSecret,
            ["scope"] = "encore_api",
        });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["access_token"]!;
    }

    public static Task<(HttpStatusCode Status, JsonObject Body)> RedeemCodeAsync(HttpClient client, string clientId, string redirectUri, string code, string verifier, string? secret = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["code"] = code,
            ["code_verifier"] = verifier,
        };
        if (secret is not null) form["client_secret"] = secret;
        return TokenAsync(client, form);
    }

    public static Task<(HttpStatusCode Status, JsonObject Body)> RefreshAsync(HttpClient client, string refreshToken, string clientId, string? secret = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["client_id"] = clientId, ["refresh_token"] = refreshToken };
        if (secret is not null) form["client_secret"] = secret;
        return TokenAsync(client, form);
    }

    /// <summary>The confidential web client asks whether a token is active.</summary>
    public static async Task<bool> IsActiveAsync(HttpClient client, string token, string hint)
    {
        using var response = await client.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = WebClientId,
            ["client_secret"] = WebClientSecret,
            ["token"] = token,
            ["token_type_hint"] = hint,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (bool)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["active"]!;
    }

    /// <summary>A signed-in web client's tokens: code flow with PKCE for the confidential test client.</summary>
    public async Task<JsonObject> WebClientTokensAsync(string email = "buyer@encore.test")
    {
        using var browser = Browser();
        await SignInAsync(browser, email);
        var pkce = Pkce.New();
        var code = await AuthorizeAsync(browser, WebClientId, WebRedirect, pkce, "openid offline_access encore_api");
        var (status, body) = await RedeemCodeAsync(browser, WebClientId, WebRedirect, code, pkce.Verifier, WebClientSecret);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    public static async Task<HttpResponseMessage> GetWithTokenAsync(HttpClient client, string path, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json");
        return await client.SendAsync(request);
    }

    /// <summary>A JWT's payload, read without validation (the server validated it).</summary>
    public static JsonObject Payload(string jwt) =>
        JsonNode.Parse(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(jwt.Split('.')[1])))!.AsObject();

    public static string Header(string jwt, string name) =>
        (string)JsonNode.Parse(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(jwt.Split('.')[0])))![name]!;

    static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
