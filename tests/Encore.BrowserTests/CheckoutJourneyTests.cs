using Microsoft.Playwright;
using static Encore.BrowserTests.KeyboardFocus;

namespace Encore.BrowserTests;

/// <summary>
/// A buyer with a keyboard alone: standing places held, then checkout with the itemized all-in
/// price, a test card that succeeds, and the confirmation. Axe checks every page on the way.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class CheckoutJourneyTests(EncoreSite site)
{
    const string Club = "/events/aurora-skies-winter-tour";

    [Fact]
    public async Task A_keyboard_user_holds_a_place_checks_out_pays_and_sees_the_confirmation()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.GotoAsync(Club);
        var allIn = await page.Locator("[data-all-in]").First.GetAttributeAsync("data-all-in");
        Assert.NotNull(allIn);

        // One standing place on the floor, chosen with the keyboard.
        await TabToAsync(page, "e.id", "standing-section");
        for (var i = 0; i < 10 && await Focused(page, "e.value") != "FLOOR"; i++) await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("FLOOR", await Focused(page, "e.value"));
        await TabToAsync(page, "e.id", "standing-quantity");
        for (var i = 0; i < 10 && await Focused(page, "e.value") != "1"; i++) await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal("1", await Focused(page, "e.value"));
        // The button is disabled while the browser check (proof of work) runs; a busy machine takes a while.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Hold standing places" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await TabToAsync(page, "e.textContent.trim()", "Hold standing places");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));

        await TabToAsync(page, "e.textContent.trim()", "Checkout");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/checkout/", StringComparison.Ordinal) && page.Url.Contains("/checkout/", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.price-breakdown")).ToContainTextAsync("Service fee");
        var total = await page.Locator("[data-order-total]").GetAttributeAsync("data-order-total");
        // One place of the cheapest floor tier: the event page's all-in "from" price is what checkout charges.
        Assert.Equal(allIn, total);
        await Axe.AssertNoViolationsAsync(page);

        // The first test card (succeeds) is chosen; the keyboard reaches the pay button.
        await TabToAsync(page, "e.textContent.trim().startsWith('Pay ')", "true");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/orders/", StringComparison.Ordinal)
            || new Uri(url).AbsolutePath.StartsWith("/simulated-gateway/3ds/", StringComparison.Ordinal));
        if (new Uri(page.Url).AbsolutePath.StartsWith("/simulated-gateway/3ds/", StringComparison.Ordinal))
        {
            // The fraud screen may ask for 3-D Secure (a new device, say): the bank's page, then back through the return page.
            await Axe.AssertNoViolationsAsync(page);
            await TabToAsync(page, "e.textContent.trim()", "Complete authentication");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/orders/", StringComparison.Ordinal));
        }
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you: your order is confirmed", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-order-total]")).ToHaveAttributeAsync("data-order-total", total!);
        await Axe.AssertNoViolationsAsync(page);

        await page.GotoAsync("/orders");
        await Assertions.Expect(page.Locator("table")).ToContainTextAsync("Aurora");
        await Axe.AssertNoViolationsAsync(page);
    }
}
