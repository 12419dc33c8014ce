using Encore.Contracts.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>An admin works the fraud screen's review queue with the keyboard: reasons shown, approve, the payment authorized.</summary>
[Collection(SiteCollection.Name)]
public sealed class PaymentReviewTests(EncoreSite site)
{
    [Fact]
    public async Task An_admin_reads_the_reasons_and_approves_a_held_payment_by_keyboard()
    {
        // Two payments wait, so the page lists two approve forms (each must post on its own).
        var (other, paymentId) = (await HeldAsync(), await HeldAsync());

        await using var context = await site.NewContextAsync("admin");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin/payments/review");
        var short8 = paymentId.ToString("N")[^8..];
        var row = page.Locator("tr", new() { HasText = short8 }).First;
        await Assertions.Expect(row).ToContainTextAsync("device.risk");
        await Assertions.Expect(row).ToContainTextAsync("account.new");
        await Axe.AssertNoViolationsAsync(page);

        var target = $"Approve payment {short8}";
        for (var i = 0; i < 80 && await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.textContent.trim() : ''") != target; i++)
            await page.Keyboard.PressAsync("Tab");
        Assert.Equal(target, await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Payment {short8} is authorized.");
        await Axe.AssertNoViolationsAsync(page);
        await using var check = site.Services.CreateAsyncScope();
        var payments = check.ServiceProvider.GetRequiredService<IPaymentService>();
        Assert.Equal(PaymentState.Authorized, (await payments.GetAsync(paymentId, CancellationToken.None))!.State);
        Assert.Equal(PaymentState.InReview, (await payments.GetAsync(other, CancellationToken.None))!.State);
    }

    /// <summary>A device risk of 85 and an account minutes old: held for review.</summary>
    async Task<Guid> HeldAsync()
    {
        var paymentId = Guid.CreateVersion7();
        await using var scope = site.Services.CreateAsyncScope();
        var status = await scope.ServiceProvider.GetRequiredService<IPaymentService>().AuthorizeAsync(new AuthorizePayment(
            paymentId, Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), 9_900, "EUR",
            "pm_card_visa", "/", new FraudSignals("198.51.100.8", "US", "US", DateTimeOffset.UtcNow.AddMinutes(-20), null, 85, 2)), CancellationToken.None);
        Assert.Equal(PaymentState.InReview, status.State);
        return paymentId;
    }
}
