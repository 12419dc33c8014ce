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
}

/// <summary>
/// Delivers outbox messages of every module to in-process consumers, at least once. A message is
/// leased before delivery: on PostgreSQL with FOR UPDATE SKIP LOCKED so several instances share
/// the work without delivering one message twice at the same time; a crashed instance's lease
/// simply runs out. Failures back off exponentially and end in the dead-letter state, except those
/// of a store that is down (<see cref="Outages"/>), which wait for it however long it takes.
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

            foreach (var message in await ClaimAsync(db, ct))
                if (await DeliverAsync(db, message, ct)) delivered++;
        }
        return delivered;
    }

    async Task<List<OutboxMessage>> ClaimAsync(DbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))!;
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        var postgres = db.Database.IsNpgsql();
        // SQLite stores instants as UTC ticks (ModuleModel.UseSortableInstants).
        object nowParameter = postgres ? now : now.UtcTicks;
        var sql =
            $"SELECT * FROM {table} " +
            "WHERE status = 0 AND next_attempt_at <= {0} AND (locked_until IS NULL OR locked_until < {0}) " +
            $"ORDER BY occurred_at, id LIMIT {options.BatchSize}" +
            (postgres ? " FOR UPDATE SKIP LOCKED" : "");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Set<OutboxMessage>().FromSqlRaw(sql, nowParameter).ToListAsync(ct);
        foreach (var message in batch) message.LockedUntil = now + options.LeaseDuration;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch;
    }

    async Task<bool> DeliverAsync(DbContext db, OutboxMessage message, CancellationToken ct)
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
            if (failures is [var only]) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(only);
            if (failures is { Count: > 1 }) throw new AggregateException(failures);

            message.Status = OutboxStatus.Processed;
            message.ProcessedAt = clock.GetUtcNow();
            message.LockedUntil = null;
            message.Attempts++;
            await db.SaveChangesAsync(ct);
            Delivered.Add(1);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
            var text = $"{error.GetType().Name}: {error.Message}";
            message.LastError = text.Length > 2000 ? text[..2000] : text;
            message.LockedUntil = null;
            if (Outages.Caused(error))
            {
                // A store a consumer needs is down (Redis restarting, say): the message is fine and must
                // not be dead-lettered for it, or a long outage would leave paid orders without their
                // tickets. It waits for the store without using up its attempts.
                message.NextAttemptAt = clock.GetUtcNow() + OutageRetry;
                Failed.Add(1);
                logger.LogWarning(error, "Outbox message {MessageId} ({Type}) waits for a store that is unavailable; retrying in {Backoff}", message.Id, message.Type, OutageRetry);
                await db.SaveChangesAsync(CancellationToken.None);
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
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }
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
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, params Type[] extraEventTypes)
    {
        services.AddSingleton(new OutboxOptions());
        services.AddSingleton(new IntegrationEventTypes(extraEventTypes));
        services.AddSingleton<OutboxProcessor>();
        services.AddHostedService<OutboxRelay>();
        return services;
    }
}
