using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Orders;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Hosting;

/// <summary>An event no consumer of this version knows: its delivery fails, as a consumer's bug would make it.</summary>
public sealed record EventFromANewerVersion(Guid OrderId) : IIntegrationEvent
{
    string? IIntegrationEvent.OrderingKey => $"order:{OrderId:D}";
}

/// <summary>The operators' API over every module's dead letters, on the whole app.</summary>
public sealed class DeadLetterApiTests
{
    /// <summary>Writes a message into the orders outbox already dead-lettered, in one transaction, so the running relay never sees it pending.</summary>
    static async Task<Guid> DeadLetterAsync(EncoreAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.AddToOutbox(new EventFromANewerVersion(Guid.CreateVersion7()), TimeProvider.System);
        await db.SaveChangesAsync();
        var id = db.Set<OutboxMessage>().Local.Single().Id;
        await db.Set<OutboxMessage>().Where(m => m.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.Status, OutboxStatus.DeadLettered).SetProperty(m => m.Attempts, 8).SetProperty(m => m.LastError, "InvalidOperationException: boom"));
        await tx.CommitAsync();
        return id;
    }

    static async Task<OutboxMessage> MessageAsync(EncoreAppFactory app, Guid id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id);
    }

    [Fact]
    public async Task An_admin_lists_retries_and_discards_dead_letters_and_no_one_else_may()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var (retried, discarded) = (await DeadLetterAsync(app), await DeadLetterAsync(app));
        var admin = await app.SignedInAsync("admin@encore.test");

        var listed = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/outbox/dead-letters"))!["messages"]!.AsArray();
        var first = listed.Single(m => m!["id"]!.GetValue<Guid>() == retried)!;
        Assert.Equal(("orders", typeof(EventFromANewerVersion).FullName, "InvalidOperationException: boom", 8),
            (first["module"]!.GetValue<string>(), first["type"]!.GetValue<string>(), first["lastError"]!.GetValue<string>(), first["attempts"]!.GetValue<int>()));
        Assert.Equal(2, listed.Count(m => m!["module"]!.GetValue<string>() == "orders"));

        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync("/api/admin/outbox/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.PostAsync($"/api/admin/outbox/orders/{retried}/retry", null)).StatusCode);

        // Retried: back in the running relay's queue, which tries it again at once (and fails again: no consumer knows it).
        var retry = await admin.PostAsync($"/api/admin/outbox/orders/{retried}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("Retried", (await retry.Content.ReadFromJsonAsync<JsonObject>())!["outcome"]!.GetValue<string>());
        var again = await admin.PostAsync($"/api/admin/outbox/orders/{retried}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        OutboxMessage message;
        for (var i = 0; (message = await MessageAsync(app, retried)).Attempts == 0 && i < 300; i++) await Task.Delay(100);
        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.InRange(message.Attempts, 1, 7);
        Assert.Contains("Unknown integration event type", message.LastError);

        // Discarding needs a reason, a module that exists and a message in it.
        var noReason = await admin.PostAsJsonAsync($"/api/admin/outbox/orders/{discarded}/discard", new { reason = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.NotNull((await noReason.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["reason"]);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/admin/outbox/nowhere/{discarded}/discard", new { reason = "gone" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/admin/outbox/orders/{Guid.CreateVersion7()}/discard", new { reason = "gone" })).StatusCode);
        Assert.Equal(OutboxStatus.DeadLettered, (await MessageAsync(app, discarded)).Status);

        var discard = await admin.PostAsJsonAsync($"/api/admin/outbox/orders/{discarded}/discard", new { reason = "Sent by a release we rolled back" });
        Assert.Equal(HttpStatusCode.OK, discard.StatusCode);
        var gone = await MessageAsync(app, discarded);
        Assert.Equal(OutboxStatus.Discarded, gone.Status);
        Assert.StartsWith("Discarded by admin@encore.test at ", gone.LastError);
        Assert.Contains("Sent by a release we rolled back. Last error: InvalidOperationException: boom", gone.LastError);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonObject>("/api/admin/outbox/dead-letters"))!["messages"]!.AsArray(),
            m => m!["id"]!.GetValue<Guid>() is var id && (id == retried || id == discarded));
    }
}
