using Encore.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.BuildingBlocks.Outbox;

/// <summary>
/// Deletes every module's delivered and discarded outbox messages once they are a week old. Each paid
/// order writes a handful of messages with their payloads; kept for ever they would make the outboxes
/// the largest tables a platform has, for nothing: a delivered or discarded message is never delivered
/// again and holds no later message back. Dead letters and pending messages stay whatever their age.
/// Inbox rows stay too: they are what makes a redelivery harmless, and a dead letter an operator puts
/// back months later is redelivered to every consumer. Every instance runs this; deleting the same
/// old rows twice is harmless.
/// </summary>
public sealed class OutboxRetention(
    IServiceScopeFactory scopes, IEnumerable<ModuleDatabase> modules, OutboxOptions options, TimeProvider clock, ILogger<OutboxRetention> logger)
    : BackgroundService
{
    static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>At most this many rows go in one statement, so a first run over a long history does not hold a table for minutes.</summary>
    const int DeleteBatch = 5000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Pruning delivered outbox messages failed; the next run tries again.");
            }
        }
        while (await Pause.NextPassAsync(Every, clock, stoppingToken));
    }

    /// <summary>One pass over every module's outbox; answers how many messages it deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.KeepDeliveredFor;
        var deleted = 0;
        foreach (var module in modules.DistinctBy(m => m.ContextType))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(module.ContextType);
            if (db.Model.FindEntityType(typeof(OutboxMessage)) is null) continue;
            int removed;
            do
            {
                removed = await db.Set<OutboxMessage>()
                    .Where(m => (m.Status == OutboxStatus.Processed || m.Status == OutboxStatus.Discarded) && m.OccurredAt < cutoff)
                    // Ids are UUIDv7, so the key's own index walks oldest first and stops at the batch;
                    // ordering by occurred_at would sort every old message for each batch.
                    .OrderBy(m => m.Id).Take(DeleteBatch)
                    .ExecuteDeleteAsync(ct);
                deleted += removed;
            }
            while (removed == DeleteBatch);
        }
        if (deleted > 0) logger.LogInformation("Deleted {Count} outbox messages delivered or discarded before {Cutoff}", deleted, cutoff);
        return deleted;
    }
}
