using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

[Collection(SiteCollection.Name)]
public sealed partial class AccountJourneyTests(EncoreSite site)
{
    [Fact]
    public async Task A_keyboard_user_skips_to_the_form_and_signs_in()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("email", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync("buyer@encore.test");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("password", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync(EncoreSite.DemoPassword);
        await page.Keyboard.PressAsync("Enter");

        // A browser the buyer has not used before: the emailed code, typed into the focused field.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/step-up");
        // Autofocus applies at the next rendering step, which may come after the load event: wait for it.
        await Assertions.Expect(page.Locator("#code")).ToBeFocusedAsync();
        await Axe.AssertNoViolationsAsync(page);
        await page.Keyboard.TypeAsync(site.LatestStepUpCode("buyer@encore.test"));
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_new_buyer_registers_confirms_from_the_mailbox_signs_in_and_sees_the_account()
    {
        var email = $"story-{Guid.NewGuid():N}@example.test";
        const string password = "a long story password";
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create account" }).ClickAsync();
        await page.GetByLabel("Your name").FillAsync("Story Buyer");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repeat the password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" })).ToBeVisibleAsync();

        // Signing in before confirming is refused with a hint, not a generic failure.
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByText("Confirm your email first")).ToBeVisibleAsync();

        await page.GotoAsync("/dev/mailbox");
        var message = page.Locator(".mailbox-list li").Filter(new() { HasText = email });
        await message.GetByRole(AriaRole.Link, new() { Name = "Confirm your Encore account" }).ClickAsync();
        await page.Locator("main a[href*='/account/confirm-email']").ClickAsync();
        await Assertions.Expect(page.GetByText("your email address is confirmed")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First.ClickAsync();
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        await page.GetByRole(AriaRole.Link, new() { Name = "My account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My account", Level = 1 })).ToBeVisibleAsync();
        var profile = page.Locator("dl");
        await Assertions.Expect(profile).ToContainTextAsync("Story Buyer");
        await Assertions.Expect(profile).ToContainTextAsync(email);
        await Assertions.Expect(profile).ToContainTextAsync("buyer");
    }

    [Fact]
    public async Task The_strength_meter_rates_a_new_password_politely_as_it_is_typed()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/register");
        var verdict = page.Locator("#password-strength [data-strength-text]");
        await Assertions.Expect(verdict).ToHaveAttributeAsync("aria-live", "polite");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("password1");
        await Assertions.Expect(verdict).ToContainTextAsync("Password strength: Very weak");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("pelican cobalt marching sideways");
        await Assertions.Expect(verdict).ToContainTextAsync(new Regex("Password strength: (Strong|Very strong)"));
        await Axe.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task An_unknown_email_and_a_wrong_password_get_the_same_answer()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();

        var unknown = await SignInErrorAsync(page, "nobody-here@encore.test", "whatever-password");
        var wrong = await SignInErrorAsync(page, "seller@encore.test", "not-the-password");

        Assert.Equal("The email or the password is not right.", unknown);
        Assert.Equal(unknown, wrong);
    }

    [Fact]
    public async Task Form_errors_are_listed_at_the_top_with_focus_and_tied_to_their_fields()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/register");

        await page.GetByLabel("Email").FillAsync("not-an-email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var summary = page.Locator(".validation-summary");
        await Assertions.Expect(summary).ToBeFocusedAsync();
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Enter an email address like name@example.com" })).ToHaveAttributeAsync("href", "#email");
        var email = page.Locator("#email");
        await Assertions.Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(email).ToHaveAccessibleDescriptionAsync(new Regex("Enter an email address like name@example.com"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(EncoreSite.ScreenshotDirectory, "anonymous_account_register_errors.png"), FullPage = true });
        await Axe.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task A_return_url_to_another_site_is_ignored_after_sign_in()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString("//evil.example/steal"));

        await page.Locator("#email").FillAsync("buyer@encore.test");
        await page.Locator("#password").FillAsync(EncoreSite.DemoPassword);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await site.CompleteStepUpAsync(page, "buyer@encore.test");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.StartsWith(site.BaseUrl, page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_is_a_form_post_that_ends_the_session()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.GotoAsync("/account");

        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task The_mailbox_message_lists_its_links_as_anchors_and_never_renders_its_html()
    {
        await site.Services.GetRequiredService<Encore.BuildingBlocks.Email.DevelopmentMailbox>().SendAsync(
            new Encore.BuildingBlocks.Email.EmailMessage("buyer@encore.test", "Markup test",
                $"Open {site.BaseUrl}/account/login now.", "<p><a href=\"javascript:alert(1)\">x</a><img src=x><b id=\"injected\">bold</b></p>"),
            CancellationToken.None);
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/dev/mailbox");
        await page.GetByRole(AriaRole.Link, new() { Name = "Markup test" }).First.ClickAsync();

        await Assertions.Expect(page.Locator("main a[href='" + site.BaseUrl + "/account/login']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#injected")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("main a[href^='javascript:']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_mailed_link()
    {
        var email = await NewConfirmedAccountAsync("first password here");
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the reset link" }).ClickAsync();
        await Assertions.Expect(page.GetByText("a link to reset its password is on its way")).ToBeVisibleAsync();

        await page.GotoAsync("/dev/mailbox");
        await page.Locator(".mailbox-list li").Filter(new() { HasText = email }).GetByRole(AriaRole.Link).ClickAsync();
        await page.Locator("main a[href*='/account/reset-password']").ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("second password here");
        await page.GetByLabel("Repeat the new password").FillAsync("second password here");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your password has been reset.")).ToBeVisibleAsync();

        Assert.Equal("The email or the password is not right.", await SignInErrorAsync(page, email, "first password here"));
        await EncoreSite.SignInAsync(page, email, "second password here");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_signed_in_buyer_changes_the_password_and_the_old_one_stops_working()
    {
        var email = await NewConfirmedAccountAsync("the old password");
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await EncoreSite.SignInAsync(page, email, "the old password");

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Change password" }).ClickAsync();
        await page.GetByLabel("Current password").FillAsync("not the old password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("the new password");
        await page.GetByLabel("Repeat the new password").FillAsync("the new password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.Locator("#old-password-error")).ToHaveTextAsync("The current password is not right");

        await page.GetByLabel("Current password").FillAsync("the old password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("the new password");
        await page.GetByLabel("Repeat the new password").FillAsync("the new password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your password has been changed.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        Assert.Equal("The email or the password is not right.", await SignInErrorAsync(page, email, "the old password"));
        await EncoreSite.SignInAsync(page, email, "the new password");
    }

    [Fact]
    public async Task Repeated_wrong_passwords_pause_sign_in_with_a_clear_message()
    {
        var email = await NewConfirmedAccountAsync("the right password");
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();

        // Five failures are free (docs/identity.md); the sixth starts a pause.
        for (var attempt = 1; attempt <= 6; attempt++)
            Assert.Equal("The email or the password is not right.", await SignInErrorAsync(page, email, "a wrong password"));

        // Even the right password waits out the pause.
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync("the right password");
        await page.Locator("main form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Too many failed sign-ins" })).ToBeVisibleAsync();
        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
        await Axe.AssertNoViolationsAsync(page);
    }

    async Task<string> NewConfirmedAccountAsync(string password)
    {
        var email = $"account-{Guid.NewGuid():N}@example.test";
        using var scope = site.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Identity.EncoreUser>>();
        var result = await users.CreateAsync(new Encore.Identity.EncoreUser
        {
            Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Journey Buyer",
        }, password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return email;
    }

    static async Task<string> SignInErrorAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        var summary = page.Locator(".validation-summary li");
        await Assertions.Expect(summary).ToHaveCountAsync(1);
        // The typed password is not sent back in the page.
        await Assertions.Expect(page.Locator("#password")).ToHaveValueAsync("");
        return (await summary.InnerTextAsync()).Trim();
    }
}
