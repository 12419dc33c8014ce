using System.Net;
using System.Net.Http.Json;
using System.Text;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Persistence;
using Encore.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Identity;

/// <summary>Device-bound server-side sessions, step-up on a new device or country, and the sessions page.</summary>
public sealed class SessionTests
{
    const string Buyer = "buyer@encore.test";
    static readonly Uri Site = new("http://localhost");

    static async Task<PageVisitor> SignedInAsync(EncoreAppFactory app, params (string, string)[] headers)
    {
        var visitor = new PageVisitor(app, headers);
        await visitor.SignInAsync(Buyer);
        Assert.True(await visitor.IsSignedInAsync());
        return visitor;
    }

    /// <summary>A second browser: the account already has a known device, so it must step up.</summary>
    static async Task<PageVisitor> SteppedUpAsync(EncoreAppFactory app)
    {
        var visitor = new PageVisitor(app);
        var page = await visitor.SignInAsync(Buyer);
        Assert.Equal("/account/step-up", page.Path);
        var done = await visitor.SubmitAsync("/account/step-up", "step-up", ("Input.Code", PageVisitor.LatestCode(app.Service<DevelopmentMailbox>(), Buyer)));
        Assert.Equal("/", done.Path);
        Assert.True(await visitor.IsSignedInAsync());
        return visitor;
    }

    [Fact]
    public async Task The_first_browser_is_enrolled_and_listed_on_the_sessions_page()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var visitor = await SignedInAsync(app);

        var page = await visitor.GetAsync("/account/sessions");

        Assert.Contains("This browser", page.Html);
        Assert.Contains(visitor.Cookies.GetCookies(Site), c => c.Name == "encore.device" && c.HttpOnly);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_new_device_gets_in_only_with_the_emailed_code_and_the_owner_is_told(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        await SignedInAsync(app);
        var mailbox = app.Service<DevelopmentMailbox>();
        var stranger = new PageVisitor(app);

        var page = await stranger.SignInAsync(Buyer);

        Assert.Equal("/account/step-up", page.Path);
        Assert.False(await stranger.IsSignedInAsync());
        var code = PageVisitor.LatestCode(mailbox, Buyer);
        var wrong = code == "000000" ? "111111" : "000000";
        Assert.Contains("That code is not right", (await stranger.SubmitAsync("/account/step-up", "step-up", ("Input.Code", wrong))).Html);
        Assert.False(await stranger.IsSignedInAsync());

        await stranger.SubmitAsync("/account/step-up", "step-up", ("Input.Code", code));

        Assert.True(await stranger.IsSignedInAsync());
        Assert.Contains(mailbox.Newest(), m => m.Message.To == Buyer && m.Message.Subject == "New sign-in to your Encore account");
        // Single use: the session no longer waits for a code.
        Assert.Contains("no sign-in waiting", (await stranger.GetAsync("/account/step-up")).Html);
    }

    [Fact]
    public async Task Five_wrong_codes_end_the_pending_sign_in()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        await SignedInAsync(app);
        var stranger = new PageVisitor(app);
        await stranger.SignInAsync(Buyer);
        var code = PageVisitor.LatestCode(app.Service<DevelopmentMailbox>(), Buyer);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 0; i < 5; i++) await stranger.SubmitAsync("/account/step-up", "step-up", ("Input.Code", wrong));

        Assert.Contains("no sign-in waiting", (await stranger.GetAsync("/account/step-up")).Html);
        Assert.False(await stranger.IsSignedInAsync());
    }

    [Fact]
    public async Task A_known_device_in_a_new_country_steps_up_too()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var home = await SignedInAsync(app, ("X-Country", "FR"));
        var abroad = new PageVisitor(app, home.Cookies, ("CF-IPCountry", "BR"));

        var page = await abroad.SignInAsync(Buyer);

        Assert.Equal("/account/step-up", page.Path);
        var mail = app.Service<DevelopmentMailbox>().Newest().First(m => m.Message.To == Buyer);
        Assert.Contains("country this account has not signed in from before (BR)", mail.Message.TextBody);
    }

    [Fact]
    public async Task A_session_cookie_replayed_from_another_browser_is_refused_and_the_session_ends()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var owner = await SignedInAsync(app);
        var thief = new PageVisitor(app);
        thief.Cookies.Add(owner.Cookies.GetCookies(Site).Single(c => c.Name == "encore.auth"));

        Assert.False(await thief.IsSignedInAsync());
        Assert.False(await owner.IsSignedInAsync());
    }

    [Fact]
    public async Task The_device_signal_header_must_match_the_one_sent_at_sign_in()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var app1 = await SignedInAsync(app, ("X-Encore-Device-Signal", "install-1"));
        var other = new PageVisitor(app, app1.Cookies, ("X-Encore-Device-Signal", "install-2"));

        Assert.False(await other.IsSignedInAsync());
    }

    [Fact]
    public async Task Changing_the_password_signs_out_the_other_sessions_but_not_this_one()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var laptop = await SignedInAsync(app);
        var phone = await SteppedUpAsync(app);

        var page = await phone.SubmitAsync("/account/change-password", "change-password",
            ("Input.OldPassword", PageVisitor.DemoPassword), ("Input.NewPassword", "a brand new passphrase"), ("Input.ConfirmPassword", "a brand new passphrase"));

        Assert.Contains("Your password has been changed", page.Html);
        Assert.True(await phone.IsSignedInAsync());
        Assert.False(await laptop.IsSignedInAsync());
    }

    [Fact]
    public async Task A_password_reset_signs_out_every_session()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var laptop = await SignedInAsync(app);
        string code;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
            code = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync((await users.FindByEmailAsync(Buyer))!)));
        }

        var reset = await app.CreateClient().PostAsJsonAsync("/api/identity/resetPassword", new { email = Buyer, resetCode = code, newPassword = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.False(await laptop.IsSignedInAsync());
    }

    [Fact]
    public async Task Sessions_live_in_the_database_so_two_instances_share_them_and_their_revocation()
    {
        await using var first = EncoreAppFactory.Postgres(seedDemo: true);
        await using var second = first.AnotherInstance();
        var laptop = await SignedInAsync(first);
        var phone = await SteppedUpAsync(second);

        // The laptop's cookies work on the other instance: same keys, same session table.
        Assert.True(await new PageVisitor(second, laptop.Cookies).IsSignedInAsync());
        var list = await laptop.GetAsync("/account/sessions");
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(list.Html, "<tr>").Count - 1);

        var page = await laptop.SubmitAsync("/account/sessions", "revoke-others");

        Assert.Contains("1 other session is signed out", page.Html);
        Assert.False(await phone.IsSignedInAsync());
        Assert.True(await laptop.IsSignedInAsync());
    }

    [Fact]
    public async Task Revoking_one_session_on_the_page_signs_that_browser_out_and_nobody_can_revoke_another_account_s()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var laptop = await SignedInAsync(app);
        var phone = await SteppedUpAsync(app);
        // A third browser: the page then lists two sessions to sign out, each with a form of its own.
        var tablet = await SteppedUpAsync(app);
        var seller = new PageVisitor(app);
        await seller.SignInAsync("seller@encore.test");
        async Task<List<string>> OthersSeenBy(PageVisitor visitor) => System.Text.RegularExpressions.Regex
            .Matches((await visitor.GetAsync("/account/sessions")).Html, "name=\"Revoke.Id\" value=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var others = await OthersSeenBy(laptop);
        Assert.Equal(2, others.Count);
        // The phone's session is the one both the laptop and the tablet see as another browser's.
        var phoneSession = others.Intersect(await OthersSeenBy(tablet)).Single();

        await seller.SubmitAsync("/account/sessions", $"revoke-session-{phoneSession}", ("Revoke.Id", phoneSession));
        Assert.True(await phone.IsSignedInAsync());

        await laptop.SubmitAsync("/account/sessions", $"revoke-session-{phoneSession}", ("Revoke.Id", phoneSession));
        Assert.False(await phone.IsSignedInAsync());
        Assert.True(await tablet.IsSignedInAsync());
        Assert.True(await laptop.IsSignedInAsync());
    }
}
