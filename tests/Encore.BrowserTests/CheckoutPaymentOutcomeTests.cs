using System.Text.Json;
using Microsoft.Playwright;
using static Encore.BrowserTests.KeyboardFocus;

namespace Encore.BrowserTests;

/// <summary>
/// Checkout when the card does not simply succeed, by keyboard alone: a declined card is said so
/// (an alert that takes focus), the order stays unpaid and payable, and another card pays it; a card
/// that needs 3-D Secure sends the buyer to the bank's page, where passing confirms the order and
/// failing leaves it unpaid with the reason shown. Axe checks every page on the way.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class CheckoutPaymentOutcomeTests(EncoreSite site)
{
    const string Club = "/events/aurora-skies-winter-tour";
    const string SucceedsNumber = "5555 5555 5555 4444";
    const string Succeeds = "pm_card_mastercard";
    const string Declined = "pm_card_visa_chargeDeclined";
    // Stripe's "3D Secure 2 required" card, typed in: the listed 3-D Secure card is also used by
    // ThreeDSecureChallengeTests under many accounts, which the fraud screen rightly scores as a shared card.
    const string ThreeDSecureNumber = "4000 0000 0000 3220";
    const string ThreeDSecure = "pm_card_threeDSecure2Required";

    // One buyer of their own for these journeys: not the demo buyer, whose payments in other tests
    // count towards the fraud screen's account velocity, and not one per test, since every headless
    // browser here looks like one device and "a device paying for many accounts" is a fraud signal too.
    static readonly SemaphoreSlim BuyerGate = new(1, 1);
    static string? buyer;

    async Task<string> BuyerAsync()
    {
        await BuyerGate.WaitAsync();
        try { return buyer ??= await site.NewBuyerAsync("checkout"); }
        finally { BuyerGate.Release(); }
    }

    static bool At(string url, string prefix) => new Uri(url).AbsolutePath.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>One standing place held with the keyboard, then on to checkout; answers the order's id.</summary>
    static async Task<Guid> HoldAndCheckOutAsync(IPage page)
    {
        await page.GotoAsync(Club);
        await TabToAsync(page, "e.id", "standing-section");
        for (var i = 0; i < 10 && await Focused(page, "e.value") != "FLOOR"; i++) await page.Keyboard.PressAsync("ArrowDown");
        await TabToAsync(page, "e.id", "standing-quantity");
        for (var i = 0; i < 10 && await Focused(page, "e.value") != "1"; i++) await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal("1", await Focused(page, "e.value"));
        // The button is disabled while the browser check (proof of work) runs; a busy machine takes a while.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Hold standing places" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await TabToAsync(page, "e.textContent.trim()", "Hold standing places");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => At(url, "/holds/"));
        await TabToAsync(page, "e.textContent.trim()", "Checkout");
        await page.Keyboard.PressAsync("Enter");
        // The hold's checkout address redirects to the order's own.
        await page.WaitForURLAsync(url => At(url, "/checkout/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout", Level = 1 })).ToBeVisibleAsync();
        return Guid.Parse(new Uri(page.Url).AbsolutePath["/checkout/".Length..]);
    }

    /// <summary>Tabs into the card group and moves the choice with the arrow keys, as a radio group is operated.</summary>
    static async Task ChooseCardAsync(IPage page, string token)
    {
        await TabToAsync(page, "e.name", "paymentMethod");
        for (var i = 0; i < 8 && await Focused(page, "e.value") != token; i++) await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal(token, await Focused(page, "e.value"));
        Assert.True(await page.Locator($"input[name=paymentMethod][value={token}]").IsCheckedAsync());
    }

    /// <summary>Types a test card number into checkout's card entry; it comes back as a chosen card.</summary>
    static async Task TypeCardAsync(IPage page, string number, string token)
    {
        await TabToAsync(page, "e.hasAttribute('data-card-number')", "true");
        await page.Keyboard.TypeAsync(number);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Use this card", await Focused(page, "e.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-card-status]")).ToContainTextAsync($"Card ending {number[^4..]} chosen.");
        await Assertions.Expect(page.Locator($"input[name=paymentMethod][value={token}]")).ToBeCheckedAsync();
    }

    static async Task PressPayAsync(IPage page)
    {
        await TabToAsync(page, "e.textContent.trim().startsWith('Pay ')", "true");
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>The order as the buyer's API reads it.</summary>
    static async Task<string> OrderStatusAsync(IPage page, Guid orderId)
    {
        var response = await page.APIRequest.GetAsync($"/api/orders/{orderId}");
        Assert.True(response.Ok, $"GET /api/orders/{orderId}: {response.Status}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("status").GetString()!;
    }

    static async Task CompleteChallengeAsync(IPage page, bool pass)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm your payment" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
        await TabToAsync(page, "e.textContent.trim()", pass ? "Complete authentication" : "Fail authentication");
        await page.Keyboard.PressAsync("Enter");
    }

    static async Task ExpectConfirmationAsync(IPage page, Guid orderId, string total)
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/orders/{orderId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you: your order is confirmed", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-order-total]")).ToHaveAttributeAsync("data-order-total", total);
        await Axe.AssertNoViolationsAsync(page);
        // Paid, or already fulfilled when the tickets were issued in the meantime.
        Assert.Contains(await OrderStatusAsync(page, orderId), new[] { "paid", "fulfilled" });
    }

    [Fact]
    public async Task A_declined_card_is_announced_the_order_stays_unpaid_and_another_card_pays_it()
    {
        await using var context = await site.NewContextAsync(await BuyerAsync());
        var page = await context.NewPageAsync();
        var orderId = await HoldAndCheckOutAsync(page);
        var total = (await page.Locator("[data-order-total]").GetAttributeAsync("data-order-total"))!;

        await ChooseCardAsync(page, Declined);
        await PressPayAsync(page);
        // The fraud screen may first ask for 3-D Secure; a declined card is declined before any challenge.
        await page.WaitForURLAsync(url => At(url, $"/checkout/{orderId}"));

        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("The payment did not go through");
        await Assertions.Expect(alert).ToContainTextAsync("Your card was declined.");
        await Assertions.Expect(alert).ToContainTextAsync("Choose another card");
        // The message takes focus, so a screen reader reads it and the keyboard starts from it.
        Assert.Equal("checkout-problem", await Focused(page, "e.id"));
        await Axe.AssertNoViolationsAsync(page);
        Assert.Equal("payment_failed", await OrderStatusAsync(page, orderId));
        // Still the same order and price, with the declined card still chosen so the buyer sees what failed.
        await Assertions.Expect(page.Locator("[data-order-total]")).ToHaveAttributeAsync("data-order-total", total);
        Assert.True(await page.Locator($"input[name=paymentMethod][value={Declined}]").IsCheckedAsync());

        // From the message onwards, the keyboard reaches the card entry: a card that succeeds, typed in.
        // (Not the listed Visa: other tests pay with it under several accounts, and the fraud screen
        // rightly holds a card shared by many accounts for review.)
        await TypeCardAsync(page, SucceedsNumber, Succeeds);
        await PressPayAsync(page);
        await page.WaitForURLAsync(url => At(url, "/orders/") || At(url, "/simulated-gateway/3ds/"));
        if (At(page.Url, "/simulated-gateway/3ds/")) await CompleteChallengeAsync(page, pass: true);
        await ExpectConfirmationAsync(page, orderId, total);
    }

    [Fact]
    public async Task A_buyer_chooses_the_3DS_card_passes_the_challenge_and_sees_the_confirmation()
    {
        await using var context = await site.NewContextAsync(await BuyerAsync());
        var page = await context.NewPageAsync();
        var orderId = await HoldAndCheckOutAsync(page);
        var total = (await page.Locator("[data-order-total]").GetAttributeAsync("data-order-total"))!;

        await TypeCardAsync(page, ThreeDSecureNumber, ThreeDSecure);
        await Axe.AssertNoViolationsAsync(page);
        await PressPayAsync(page);
        await page.WaitForURLAsync(url => At(url, "/simulated-gateway/3ds/"));
        // While the bank decides, nothing is paid.
        Assert.Equal("requires_action", await OrderStatusAsync(page, orderId));
        await Assertions.Expect(page.Locator("dl")).ToContainTextAsync("3220");

        await CompleteChallengeAsync(page, pass: true);
        await ExpectConfirmationAsync(page, orderId, total);
    }

    [Fact]
    public async Task A_buyer_who_fails_the_challenge_is_told_and_the_order_is_not_paid()
    {
        await using var context = await site.NewContextAsync(await BuyerAsync());
        var page = await context.NewPageAsync();
        var orderId = await HoldAndCheckOutAsync(page);

        await TypeCardAsync(page, ThreeDSecureNumber, ThreeDSecure);
        await PressPayAsync(page);
        await page.WaitForURLAsync(url => At(url, "/simulated-gateway/3ds/"));
        await CompleteChallengeAsync(page, pass: false);

        // Back at checkout through the return page: the reason, focused, and the form to try again.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/checkout/{orderId}");
        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("The payment did not go through");
        await Assertions.Expect(alert).ToContainTextAsync("did not pass 3-D Secure authentication");
        Assert.Equal("checkout-problem", await Focused(page, "e.id"));
        await Axe.AssertNoViolationsAsync(page);
        Assert.Equal("payment_failed", await OrderStatusAsync(page, orderId));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel and release these tickets" })).ToBeVisibleAsync();

        // The buyer gives up: the places go back and the order is closed, never paid.
        await TabToAsync(page, "e.textContent.trim()", "Cancel and release these tickets");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == Club);
        Assert.Equal("cancelled", await OrderStatusAsync(page, orderId));
    }
}
