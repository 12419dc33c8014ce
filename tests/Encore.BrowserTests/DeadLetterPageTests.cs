using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>An event no consumer of this version knows, so it cannot be delivered.</summary>
public sealed record UnknownToThisVersion(Guid OrderId) : IIntegrationEvent;

/// <summary>An admin works the undelivered events with the keyboard: reads the error, discards one with a reason, retries another.</summary>
[Collection(SiteCollection.Name)]
public sealed class DeadLetterPageTests(EncoreSite site)
{
    /// <summary>The orders module's context, seen as any module's (the test cannot name the type).</summary>
    static DbContext Orders(IServiceProvider services) =>
        (DbContext)services.GetRequiredService(services.GetServices<ModuleDatabase>().First(m => m.Schema == "orders").ContextType);

    async Task<Guid> DeadLetterAsync()
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = Orders(scope.ServiceProvider);
        await using var tx = await db.Database.BeginTransactionAsync();
        db.AddToOutbox(new UnknownToThisVersion(Guid.CreateVersion7()), TimeProvider.System);
        await db.SaveChangesAsync();
        var id = db.Set<OutboxMessage>().Local.Single().Id;
        await db.Set<OutboxMessage>().Where(m => m.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.Status, OutboxStatus.DeadLettered).SetProperty(m => m.Attempts, 8).SetProperty(m => m.LastError, "InvalidOperationException: no consumer"));
        await tx.CommitAsync();
        return id;
    }

    async Task<OutboxStatus> StatusAsync(Guid id)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await Orders(scope.ServiceProvider).Set<OutboxMessage>().Where(m => m.Id == id).Select(m => m.Status).SingleAsync();
    }

    [Fact]
    public async Task An_admin_discards_one_undelivered_event_with_a_reason_and_retries_another_by_keyboard()
    {
        var (discarded, retried) = (await DeadLetterAsync(), await DeadLetterAsync());
        await using var context = await site.NewContextAsync("admin");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin/outbox");
        var label = (Guid id) => $"UnknownToThisVersion {id.ToString("N")[^8..]}";
        var row = page.Locator("tr", new() { HasText = discarded.ToString("N")[^8..] }).First;
        await Assertions.Expect(row).ToContainTextAsync("InvalidOperationException: no consumer");
        await Axe.AssertNoViolationsAsync(page);

        // Discard: the reason field, then its button.
        await KeyboardFocus.TabToAsync(page, "e.labels && e.labels[0] ? e.labels[0].textContent.trim() : ''", $"Reason to discard {label(discarded)}");
        await page.Keyboard.TypeAsync("Sent by a release we rolled back");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal($"Discard {label(discarded)}", await KeyboardFocus.Focused(page, "e.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Message {discarded.ToString("N")[^8..]} is discarded");
        Assert.Equal(OutboxStatus.Discarded, await StatusAsync(discarded));
        await Axe.AssertNoViolationsAsync(page);

        await KeyboardFocus.TabToAsync(page, "e.textContent.trim()", $"Retry {label(retried)}");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Message {retried.ToString("N")[^8..]} is back in the queue");
        Assert.NotEqual(OutboxStatus.DeadLettered, await StatusAsync(retried));
        await Assertions.Expect(page.Locator("tr", new() { HasText = retried.ToString("N")[^8..] })).ToHaveCountAsync(0);
    }
}
