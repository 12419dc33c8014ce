using Encore.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Encore.BuildingBlocks.Outbox;

/// <summary>A message the relay gave up on, as an operator sees it.</summary>
/// <param name="Module">The module whose outbox holds it (its schema name).</param>
/// <param name="HeldBack">Later messages of its ordering key that wait for it (a refund behind a payment, say).</param>
public sealed record DeadLetter(
    string Module, Guid Id, string Type, string? OrderingKey, DateTimeOffset OccurredAt, int Attempts, string? LastError, int HeldBack, string Payload);

public enum DeadLetterAction { Retried, Discarded, NotFound, NotDeadLettered }

/// <summary>
/// The operator's side of the dead-letter state. A dead letter holds back the later messages of its
/// ordering key, so it needs someone to deal with it: once the cause is fixed (a consumer's bug, a
/// row it needed) they put it back for delivery, with fresh attempts, and the messages behind it
/// follow in order; a message that can never be delivered (its subject is gone) is discarded with a
/// reason, and the messages behind it go on without it. Both change only a message that is still
/// dead-lettered, so two operators acting at once change it once.
/// </summary>
public sealed class DeadLetters(IServiceProvider services, IEnumerable<ModuleDatabase> modules, TimeProvider clock, ILogger<DeadLetters> logger)
{
    /// <summary>Every module's dead letters, oldest first: the oldest has waited longest and may hold others back.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct)
    {
        var found = new List<DeadLetter>();
        foreach (var module in Outboxes())
        {
            var messages = OutboxOf(module);
            var dead = await messages.AsNoTracking().Where(m => m.Status == OutboxStatus.DeadLettered).OrderBy(m => m.OccurredAt).ToListAsync(ct);
            foreach (var m in dead)
            {
                var heldBack = m.OrderingKey is null ? 0 : await messages.CountAsync(e => e.OrderingKey == m.OrderingKey && e.Id != m.Id
                    && (e.Status == OutboxStatus.Pending || e.Status == OutboxStatus.DeadLettered) && e.OccurredAt >= m.OccurredAt, ct);
                found.Add(new DeadLetter(module.Schema, m.Id, m.Type, m.OrderingKey, m.OccurredAt, m.Attempts, m.LastError, heldBack, m.Payload));
            }
        }
        return found.OrderBy(d => d.OccurredAt).ToList();
    }

    /// <summary>Puts a dead letter back for delivery now, with all its attempts again; its last error stays until it is delivered.</summary>
    public async Task<DeadLetterAction> RetryAsync(string module, Guid id, string operatorName, CancellationToken ct)
    {
        if (Find(module) is not { } database) return DeadLetterAction.NotFound;
        var now = clock.GetUtcNow();
        var changed = await OutboxOf(database).Where(m => m.Id == id && m.Status == OutboxStatus.DeadLettered)
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Status, OutboxStatus.Pending)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), ct);
        if (changed == 0) return await MissingOrSettledAsync(database, id, ct);
        logger.LogWarning("Outbox message {MessageId} in {Module} put back for delivery by {Operator}", id, module, operatorName);
        return DeadLetterAction.Retried;
    }

    /// <summary>Gives a dead letter up for good: it is never delivered, and the note says who decided it, when and why.</summary>
    public async Task<DeadLetterAction> DiscardAsync(string module, Guid id, string operatorName, string reason, CancellationToken ct)
    {
        if (Find(module) is not { } database) return DeadLetterAction.NotFound;
        var now = clock.GetUtcNow();
        var messages = OutboxOf(database);
        var lastError = await messages.Where(m => m.Id == id && m.Status == OutboxStatus.DeadLettered).Select(m => m.LastError).ToListAsync(ct);
        if (lastError.Count == 0) return await MissingOrSettledAsync(database, id, ct);
        var note = $"Discarded by {operatorName} at {now:O}: {reason.Trim()}. Last error: {lastError[0]}";
        if (note.Length > 2000) note = note[..2000];
        var changed = await messages.Where(m => m.Id == id && m.Status == OutboxStatus.DeadLettered)
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Status, OutboxStatus.Discarded)
                .SetProperty(m => m.ProcessedAt, now)
                .SetProperty(m => m.LastError, note), ct);
        if (changed == 0) return await MissingOrSettledAsync(database, id, ct);
        logger.LogWarning("Outbox message {MessageId} in {Module} discarded by {Operator}: {Reason}", id, module, operatorName, reason);
        return DeadLetterAction.Discarded;
    }

    async Task<DeadLetterAction> MissingOrSettledAsync(ModuleDatabase database, Guid id, CancellationToken ct) =>
        await OutboxOf(database).AnyAsync(m => m.Id == id, ct) ? DeadLetterAction.NotDeadLettered : DeadLetterAction.NotFound;

    IEnumerable<ModuleDatabase> Outboxes() => modules.DistinctBy(m => m.ContextType)
        .Where(m => ((DbContext)services.GetRequiredService(m.ContextType)).Model.FindEntityType(typeof(OutboxMessage)) is not null);

    ModuleDatabase? Find(string module) => Outboxes().FirstOrDefault(m => string.Equals(m.Schema, module, StringComparison.Ordinal));

    IQueryable<OutboxMessage> OutboxOf(ModuleDatabase module) => ((DbContext)services.GetRequiredService(module.ContextType)).Set<OutboxMessage>();
}
