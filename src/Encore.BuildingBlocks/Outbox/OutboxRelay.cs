using System.Diagnostics.Metrics;
using System.Text.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.BuildingBlocks.Outbox;

public sealed record OutboxOptions
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);
    public int BatchSize { get; init; } = 50;
    public int MaxAttempts { get; init; } = 8;
    /// <summary>
    /// How many messages of a batch one instance delivers at once. Consumers mostly wait on the
    /// database, the hold store and the mail server, so one at a time left tickets minutes behind
    /// payments in an on-sale. SQLite takes one writer at a time: the embedded default keeps 1.
    /// </summary>
    public int Parallelism { get; init; } = 1;
    /// <summary>How long a delivered or discarded message is kept before <see cref="OutboxRetention"/> deletes it.</summary>
    public TimeSpan KeepDeliveredFor { get; init; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Delivers outbox messages of every module to in-process consumers, at least once. A message is
/// leased before delivery: on PostgreSQL with FOR UPDATE SKIP LOCKED so several instances share
/// the work without delivering one message twice at the same time; a crashed instance's lease
/// simply runs out. A message with an ordering key waits until every earlier one with its key has
/// been delivered, so a batch never holds two of one key and its messages can be delivered side by
/// side. Failures back off exponentially and end in the dead-letter state, except those of a store
/// that is down (<see cref="Outages"/>), which wait for it however long it takes.
/// </summary>
public sealed class OutboxProcessor(
    IServiceScopeFactory scopes,
    IEnumerable<ModuleDatabase> modules,
    IntegrationEventTypes types,
    OutboxOptions options,
    TimeProvider clock,
    ILogger<OutboxProcessor> logger)
{
    static readonly Meter Meter = new("Encore.Outbox");
    static readonly Counter<long> Delivered = Meter.CreateCounter<long>("encore.outbox.delivered");
    static readonly Counter<long> Failed = Meter.CreateCounter<long>("encore.outbox.failed");
    static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("encore.outbox.dead_lettered");
    /// <summary>How soon a message whose consumer found a store down is tried again.</summary>
    public static readonly TimeSpan OutageRetry = TimeSpan.FromSeconds(5);

    /// <summary>One pass over every module's outbox; returns how many messages it delivered.</summary>
    public async Task<int> ProcessOnceAsync(CancellationToken ct)
    {
        var delivered = 0;
        foreach (var module in modules.DistinctBy(m => m.ContextType))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(module.ContextType);
            if (db.Model.FindEntityType(typeof(OutboxMessage)) is null) continue;

            var batch = await ClaimAsync(db, ct);
            if (batch.Count == 0) continue;
            var failures = new Exception?[batch.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct },
                async (i, token) => failures[i] = await DeliverAsync(batch[i], token));

            // One write records the whole batch. Should it fail, the leases run out and the batch is
            // delivered again, which consumers' inboxes make harmless.
            for (var i = 0; i < batch.Count; i++)
                if (Record(batch[i], failures[i])) delivered++;
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return delivered;
    }

    async Task<List<OutboxMessage>> ClaimAsync(DbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Most passes find nothing due. One read outside a transaction says so in one round trip,
        // where the claim takes two and a transaction: every instance polls every module's outbox
        // twice a second, busy or idle (docs/PERFORMANCE.md).
        if (!await db.Set<OutboxMessage>().AnyAsync(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now
                && (m.LockedUntil == null || m.LockedUntil < now), ct))
            return [];

        var postgres = db.Database.IsNpgsql();
        // SQLite stores instants as UTC ticks (ModuleModel.UseSortableInstants).
        object nowParameter = postgres ? now : now.UtcTicks;
        var sql = ClaimSql(db, options.BatchSize);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Set<OutboxMessage>().FromSqlRaw(sql, nowParameter).ToListAsync(ct);
        foreach (var message in batch) message.LockedUntil = now + options.LeaseDuration;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch;
    }

    /// <summary>
    /// The next batch of due messages, oldest first, skipping those whose key has an earlier message
    /// undelivered; its one parameter ({0}) is now. Undelivered means pending or dead-lettered: the
    /// messages after a dead letter of their key wait for an operator, as the dead letter does,
    /// rather than act on what it should have done. A discarded message holds nothing back. (The
    /// condition keeps "status &lt;&gt; 1" as written so the partial index on the key, filtered by it, still
    /// serves; "status = 0" with the order by (occurred_at, id) lets the pending-only index serve
    /// the walk, which stops at the batch instead of sorting every message waiting.)
    /// </summary>
    internal static string ClaimSql(DbContext db, int batchSize)
    {
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))!;
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        return $"SELECT m.* FROM {table} m " +
            "WHERE m.status = 0 AND m.next_attempt_at <= {0} AND (m.locked_until IS NULL OR m.locked_until < {0}) " +
            $"AND (m.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM {table} e " +
            "WHERE e.ordering_key = m.ordering_key AND e.status <> 1 AND e.status <> 3 " +
            "AND (e.occurred_at < m.occurred_at OR (e.occurred_at = m.occurred_at AND e.id < m.id)))) " +
            $"ORDER BY m.occurred_at, m.id LIMIT {batchSize}" +
            (db.Database.IsNpgsql() ? " FOR UPDATE OF m SKIP LOCKED" : "");
    }

    /// <summary>Hands the message to every consumer of its type; answers what failed, or null.</summary>
    async Task<Exception?> DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        try
        {
            var type = types.Find(message.Type)
                ?? throw new InvalidOperationException($"Unknown integration event type '{message.Type}'.");
            var integrationEvent = (IIntegrationEvent)JsonSerializer.Deserialize(message.Payload, type, JsonSerializerOptions.Web)!;
            var context = new IntegrationEventContext(message.Id, message.OccurredAt);

            var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(type);
            var handle = handlerType.GetMethod(nameof(IIntegrationEventHandler<IIntegrationEvent>.HandleAsync))!;
            int handlers;
            await using (var probe = scopes.CreateAsyncScope()) handlers = probe.ServiceProvider.GetServices(handlerType).Count();

            // Every consumer gets its turn, each in a scope of its own: one that fails (and the
            // DbContext it leaves behind) must not hold back the others. The message is retried as
            // a whole; consumers that already succeeded skip it through their inbox.
            List<Exception>? failures = null;
            for (var i = 0; i < handlers; i++)
            {
                await using var scope = scopes.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetServices(handlerType).ElementAt(i);
                try
                {
                    await (Task)handle.Invoke(handler, [integrationEvent, context, ct])!;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    (failures ??= []).Add(ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex);
                }
            }
            return failures switch
            {
                null => null,
                [var only] => only,
                _ => new AggregateException(failures),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
        }
    }

    /// <summary>Records a delivery's outcome on its (tracked) message; true when it was delivered.</summary>
    bool Record(OutboxMessage message, Exception? error)
    {
        message.LockedUntil = null;
        if (error is null)
        {
            message.Status = OutboxStatus.Processed;
            message.ProcessedAt = clock.GetUtcNow();
            message.Attempts++;
            Delivered.Add(1);
            return true;
        }
        var text = $"{error.GetType().Name}: {error.Message}";
        message.LastError = text.Length > 2000 ? text[..2000] : text;
        if (Outages.Caused(error))
        {
            // A store a consumer needs is down (Redis restarting, say): the message is fine and must
            // not be dead-lettered for it, or a long outage would leave paid orders without their
            // tickets. It waits for the store without using up its attempts.
            message.NextAttemptAt = clock.GetUtcNow() + OutageRetry;
            Failed.Add(1);
            logger.LogWarning(error, "Outbox message {MessageId} ({Type}) waits for a store that is unavailable; retrying in {Backoff}", message.Id, message.Type, OutageRetry);
            return false;
        }
        message.Attempts++;
        if (message.Attempts >= options.MaxAttempts)
        {
            message.Status = OutboxStatus.DeadLettered;
            DeadLettered.Add(1);
            logger.LogError(error, "Outbox message {MessageId} ({Type}) dead-lettered after {Attempts} attempts", message.Id, message.Type, message.Attempts);
        }
        else
        {
            var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, message.Attempts)));
            message.NextAttemptAt = clock.GetUtcNow() + backoff;
            Failed.Add(1);
            logger.LogWarning(error, "Outbox message {MessageId} ({Type}) failed, attempt {Attempts}; retrying in {Backoff}", message.Id, message.Type, message.Attempts, backoff);
        }
        return false;
    }
}

/// <summary>Runs the outbox processor in the background of every instance.</summary>
public sealed class OutboxRelay(OutboxProcessor processor, OutboxOptions options, TimeProvider clock, ILogger<OutboxRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more may be waiting: go again without sleeping.
                if (await processor.ProcessOnceAsync(stoppingToken) > 0) continue;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox relay pass failed");
            }
            if (!await Pause.NextPassAsync(options.PollInterval, clock, stoppingToken)) return;
        }
    }
}

/// <summary>Maps stored type names back to the event types of the Contracts assembly.</summary>
public sealed class IntegrationEventTypes
{
    readonly Dictionary<string, Type> byName;

    public IntegrationEventTypes(IEnumerable<Type> extraTypes)
    {
        byName = typeof(IIntegrationEvent).Assembly.GetTypes()
            .Concat(extraTypes)
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
            // A module may pass a Contracts type again; one entry per name is all the relay needs.
            .DistinctBy(t => t.FullName)
            .ToDictionary(t => t.FullName!);
    }

    public Type? Find(string name) => byName.GetValueOrDefault(name);
}

public static class OutboxRegistration
{
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, OutboxOptions options, params Type[] extraEventTypes)
    {
        services.AddSingleton(options);
        services.AddSingleton(new IntegrationEventTypes(extraEventTypes));
        services.AddSingleton<OutboxProcessor>();
        services.AddHostedService<OutboxRelay>();
        services.AddHostedService<OutboxRetention>();
        services.AddScoped<DeadLetters>();
        return services;
    }
}
