using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>
/// PaymentMethodInput (shown on the design system page until checkout embeds it): a labelled radio
/// group of test cards, and a typed test card number exchanged for its token, so the form posts
/// only paymentMethod and never the number.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class PaymentMethodInputTests(EncoreSite site)
{
    [Fact]
    public async Task A_typed_test_card_becomes_a_token_and_the_form_posts_no_card_number()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dev/design#payment-method");
        var group = page.GetByRole(AriaRole.Group, new() { Name = "Payment card" });
        await Assertions.Expect(group.GetByRole(AriaRole.Radio)).ToHaveCountAsync(4);
        await Assertions.Expect(group.GetByRole(AriaRole.Radio, new() { Name = "Visa, succeeds •••• 4242" })).ToBeCheckedAsync();

        var number = page.GetByLabel("Or type a test card number");
        await Assertions.Expect(number).ToBeVisibleAsync();
        await number.FocusAsync();
        await page.Keyboard.TypeAsync("4111 1111 1111 1111");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-card-status]")).ToContainTextAsync("only knows Stripe's test card numbers");
        await Assertions.Expect(number).ToHaveAttributeAsync("aria-invalid", "true");

        await number.FillAsync("");
        await page.Keyboard.TypeAsync("4000 0000 0000 9995");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-card-status]")).ToContainTextAsync("Card ending 9995 chosen.");
        var typed = group.GetByRole(AriaRole.Radio, new() { Name = "Typed card (visa) •••• 9995" });
        await Assertions.Expect(typed).ToBeCheckedAsync();
        await Axe.AssertNoViolationsAsync(page);

        await page.Locator("#payment-method-sample button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).Query.Contains("paymentMethod="));
        var query = new Uri(page.Url).Query;
        Assert.Contains("paymentMethod=pm_card_visa_chargeDeclinedInsufficientFunds", query);
        Assert.DoesNotContain("9995", query);
    }
}
