using System.Text.RegularExpressions;
using Encore.Identity.Mfa;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

[Collection(SiteCollection.Name)]
public sealed partial class TwoFactorJourneyTests(EncoreSite site)
{
    [Fact]
    public async Task A_buyer_enrols_an_authenticator_signs_in_with_a_code_adds_a_passkey_and_signs_in_with_it_alone_and_as_second_step()
    {
        var email = $"mfa-{Guid.NewGuid():N}@example.test";
        const string password = "a long two-factor password";
        // WebAuthn takes a domain, not an IP address, as the relying party: the same server as localhost.
        await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            ReducedMotion = ReducedMotion.Reduce,
        });
        var page = await context.NewPageAsync();

        await SignUpAsync(page, email, password);
        await EncoreSite.SignInAsync(page, email, password);
        Assert.Equal("/", new Uri(page.Url).AbsolutePath);

        // Enrol: read the key off the page as a person would type it into an app.
        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor authentication" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("QR code") })).ToBeVisibleAsync();
        var key = Regex.Replace(await page.Locator("#shared-key").InnerTextAsync(), @"\s", "");
        var enrolledStep = Totp.StepAt(DateTimeOffset.UtcNow);
        await page.GetByLabel("Code from the app").FillAsync(CodeFor(key, enrolledStep));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your authenticator app is set up")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Recovery codes" }).Locator("li")).ToHaveCountAsync(10);

        // Sign out, then in: the password leads to the second step. The enrolment's code is used
        // up, so the test types the next step's, which the server accepts (now ±1).
        await SignOutAsync(page);
        await EncoreSite.SignInAsync(page, email, password);
        Assert.Equal(EncoreSite.TwoFactorPath, new Uri(page.Url).AbsolutePath);
        await page.GetByLabel("Six-digit code").FillAsync(CodeFor(key, enrolledStep));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#code-error")).ToContainTextAsync("That code is not right, or it was already used.");
        await page.GetByLabel("Six-digit code").FillAsync(CodeFor(key, Math.Max(enrolledStep, Totp.StepAt(DateTimeOffset.UtcNow)) + 1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        // A passkey, on Chromium's virtual authenticator (a platform authenticator that verifies its user).
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        await page.GotoAsync("/account/passkeys");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Test laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Passkey “Test laptop” added.")).ToBeVisibleAsync();

        await page.GetByLabel("New name for Test laptop").FillAsync("Work laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Passkey renamed to “Work laptop”.")).ToBeVisibleAsync();

        // Signed out, the passkey alone signs in.
        await SignOutAsync(page);
        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.GetByRole(AriaRole.Link, new() { Name = "My account" }).ClickAsync();
        await Assertions.Expect(page.Locator("dl")).ToContainTextAsync(email);

        // After the password, the passkey is the second step as well.
        await SignOutAsync(page);
        await EncoreSite.SignInAsync(page, email, password);
        Assert.Equal(EncoreSite.TwoFactorPath, new Uri(page.Url).AbsolutePath);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    static string CodeFor(string base32Key, long step) => Totp.Code(Totp.DecodeKey(base32Key)!, step);

    static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).First).ToBeVisibleAsync();
    }

    /// <summary>Registers through the pages and confirms the address from the development mailbox.</summary>
    static async Task SignUpAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/register");
        await page.GetByLabel("Your name").FillAsync("Two Factor");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repeat the password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" })).ToBeVisibleAsync();
        await page.GotoAsync("/dev/mailbox");
        await page.Locator(".mailbox-list li").Filter(new() { HasText = email })
            .GetByRole(AriaRole.Link, new() { Name = "Confirm your Encore account" }).ClickAsync();
        await page.Locator("main a[href*='/account/confirm-email']").ClickAsync();
        await Assertions.Expect(page.GetByText("your email address is confirmed")).ToBeVisibleAsync();
    }
}
