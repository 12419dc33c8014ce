using Encore.Contracts.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>The simulated issuer's 3-D Secure page: operable by keyboard alone, free of axe violations, wide and at 320 px, and it sends the buyer back.</summary>
[Collection(SiteCollection.Name)]
public sealed class ThreeDSecureChallengeTests(EncoreSite site)
{
    async Task<PaymentStatus> ChallengeAsync()
    {
        await using var scope = site.Services.CreateAsyncScope();
        var payments = scope.ServiceProvider.GetRequiredService<IPaymentService>();
        var status = await payments.AuthorizeAsync(new AuthorizePayment(
            Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), 4_500, "EUR",
            "pm_card_authenticationRequired", "/?paid=1",
            new FraudSignals("198.51.100.7", "DE", "DE", DateTimeOffset.UtcNow.AddYears(-1), null, 0, 1)), CancellationToken.None);
        Assert.Equal(PaymentState.RequiresAction, status.State);
        return status;
    }

    async Task<PaymentState> StateAsync(Guid paymentId)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IPaymentService>().GetAsync(paymentId, CancellationToken.None))!.State;
    }

    static Task<string> FocusedText(IPage page) => page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.textContent.trim() : ''");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_keyboard_user_passes_or_fails_the_challenge_and_returns_to_the_shop(bool pass)
    {
        var status = await ChallengeAsync();
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync(status.NextActionUrl!);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm your payment" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);

        var target = pass ? "Complete authentication" : "Fail authentication";
        for (var i = 0; i < 40 && await FocusedText(page) != target; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal(target, await FocusedText(page));
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/" && new Uri(url).Query.Contains("paid=1"));
        Assert.Equal(pass ? PaymentState.Authorized : PaymentState.Failed, await StateAsync(status.PaymentId));

        // Back on the challenge: it says it is over, still accessible.
        await page.GotoAsync(status.NextActionUrl!);
        await Assertions.Expect(page.GetByText("no longer waits for confirmation")).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task The_challenge_fits_a_320_pixel_screen()
    {
        var status = await ChallengeAsync();
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous, width: 320, height: 640);
        var page = await context.NewPageAsync();
        await page.GotoAsync(status.NextActionUrl!);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 320"), "the page scrolls sideways at 320 px");
        await Axe.AssertNoViolationsAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.Equal(PaymentState.Authorized, await StateAsync(status.PaymentId));
    }
}
