using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Identity;
using Encore.Identity.Oidc;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Encore.Tests.Identity.OidcTestHost;

namespace Encore.Tests.Identity;

/// <summary>
/// "Sign in with …" against a second OIDC issuer on loopback: another Encore instance, which is an
/// OIDC server, with a confidential client registered for the first.
/// </summary>
public sealed class OidcExternalLoginTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_person_known_to_the_issuer_gets_an_account_here_or_is_linked_to_theirs_by_email(StorageProvider provider)
    {
        await using var issuer = await StartAsync(EncoreAppFactory.Sqlite(seedDemo: true));
        await using (var scope = issuer.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
            var fan = new EncoreUser { Id = Guid.CreateVersion7(), UserName = "newfan@example.org", Email = "newfan@example.org", EmailConfirmed = true, DisplayName = "New Fan" };
            Assert.True((await users.CreateAsync(fan, DemoPassword)).Succeeded);
        }

        await using var site = await StartAsync(EncoreAppFactory.For(provider, seedDemo: true)
            .With("Encore:ExternalOidc:Authority", issuer.BaseAddress.ToString())
            .With("Encore:ExternalOidc:ClientId", "encore-relying")
            .With("Encore:ExternalOidc:ClientSecret", "relying-secret-for-tests")
            .With("Encore:ExternalOidc:DisplayName", "Encore Partner"));
        await using (var scope = issuer.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OidcClientRegistrar>().EnsureAsync(new OidcClient
            {
                ClientId = "encore-relying",
                Type = "confidential",
                ClientSecret = "relying-secret-for-tests",
                RedirectUris = [new Uri(site.BaseAddress, "/signin-external").ToString()],
                GrantTypes = ["authorization_code"],
                Scopes = ["openid", "profile", "email"],
            });
        }

        Assert.Contains("Sign in with Encore Partner", await site.Browser().GetStringAsync("/account/login"));

        // Someone new here: an account is created, confirmed, with the issuer's name.
        var newcomer = await SignInThroughIssuerAsync(issuer, site, "newfan@example.org");
        Assert.Equal(("newfan@example.org", "New Fan", true), ((string)newcomer["email"]!, (string)newcomer["displayName"]!, (bool)newcomer["emailConfirmed"]!));

        // The demo buyer exists on both: linked to the account here, not a second one.
        var buyer = await SignInThroughIssuerAsync(issuer, site, "buyer@encore.test");
        await using (var scope = site.Factory.Services.CreateAsyncScope())
        {
            var local = await scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>().FindByEmailAsync("buyer@encore.test");
            Assert.Equal(local!.Id.ToString(), (string)buyer["id"]!);
            Assert.Single(await scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>().GetLoginsAsync(local));
        }

        // The second time the link is found by the issuer's subject.
        var again = await SignInThroughIssuerAsync(issuer, site, "buyer@encore.test");
        Assert.Equal((string)buyer["id"]!, (string)again["id"]!);

        // A callback this browser did not start (no correlation cookie) signs no one in, and is no 500.
        using var forged = await site.Browser().GetAsync("/signin-external?code=stolen&state=forged");
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal("/account/login?external=failed", forged.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Without_configuration_the_sign_in_page_offers_no_external_button()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var page = await app.CreateClient().GetStringAsync("/account/login");
        Assert.DoesNotContain("/account/external-login", page);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/account/external-login")).StatusCode);
    }

    /// <summary>Signs in at the issuer, presses the button here, follows every redirect, and returns who we are here.</summary>
    static async Task<JsonObject> SignInThroughIssuerAsync(OidcTestHost issuer, OidcTestHost site, string email)
    {
        var cookies = new CookieContainer();
        using var atIssuer = issuer.Browser(cookies);
        await SignInAsync(atIssuer, email);

        using var browser = site.Browser(cookies);
        var next = new Uri(site.BaseAddress, "/account/external-login?returnUrl=%2Faccount");
        var visited = new List<Uri>();
        for (var hop = 0; hop < 10; hop++)
        {
            visited.Add(next);
            using var response = await browser.GetAsync(next);
            if (response.StatusCode != HttpStatusCode.Redirect)
            {
                Assert.Fail($"{next} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            next = new Uri(next, response.Headers.Location!);
            if (next.Authority == site.BaseAddress.Authority && next.AbsolutePath == "/account") break;
        }
        Assert.True(next.AbsolutePath == "/account" && next.Authority == site.BaseAddress.Authority,
            "the sign-in did not come back home: " + string.Join(" -> ", visited));
        Assert.Contains(visited, u => u.Authority == issuer.BaseAddress.Authority && u.AbsolutePath == "/connect/authorize");

        using var me = await browser.GetAsync("/api/identity/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        return (await me.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
