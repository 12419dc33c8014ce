using System.Collections.Concurrent;
using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.BuildingBlocks;

/// <summary>A test-only integration event; the relay learns its type the way a module's extra events would be passed in.</summary>
public sealed record CounterIncremented(Guid CounterId, int By) : IIntegrationEvent;

/// <summary>A test-only event whose steps of one counter must arrive in order.</summary>
public sealed record CounterStepped(Guid CounterId, int Step) : IIntegrationEvent
{
    string? IIntegrationEvent.OrderingKey => $"counter:{CounterId:N}";
}

public sealed class Counter
{
    public Guid Id { get; set; }
    public int Value { get; set; }
}

/// <summary>A module-shaped context (own schema or prefix, outbox and inbox) used only by these tests.</summary>
internal class OutboxTestDb(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "outboxtest";

    public DbSet<Counter> Counters => Set<Counter>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Counter>(e => e.ToTable("counters"));
        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteOutboxTestDb(DbContextOptions<SqliteOutboxTestDb> options) : OutboxTestDb(options);

internal sealed class PostgresOutboxTestDb(DbContextOptions<PostgresOutboxTestDb> options) : OutboxTestDb(options);

/// <summary>What handlers saw, by message id.</summary>
public sealed class Deliveries
{
    public ConcurrentDictionary<Guid, int> ByMessage { get; } = new();
    public ConcurrentQueue<CounterIncremented> Events { get; } = new();
    public int Calls => ByMessage.Values.Sum();

    public void Record(CounterIncremented e, IntegrationEventContext context)
    {
        Events.Enqueue(e);
        ByMessage.AddOrUpdate(context.MessageId, 1, (_, n) => n + 1);
    }
}

internal sealed class RecordingHandler(Deliveries deliveries) : IIntegrationEventHandler<CounterIncremented>
{
    public Task HandleAsync(CounterIncremented integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        deliveries.Record(integrationEvent, context);
        return Task.CompletedTask;
    }
}

internal sealed class FailingHandler(Deliveries deliveries) : IIntegrationEventHandler<CounterIncremented>
{
    public async Task HandleAsync(CounterIncremented integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        deliveries.Record(integrationEvent, context);
        await Task.Yield();
        throw new InvalidOperationException("the downstream gate is closed");
    }
}

public sealed class StoreSwitch
{
    public volatile bool Down = true;
}

/// <summary>A consumer whose Redis is unreachable while the switch says so.</summary>
internal sealed class OutageHandler(Deliveries deliveries, StoreSwitch store) : IIntegrationEventHandler<CounterIncremented>
{
    public async Task HandleAsync(CounterIncremented integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        deliveries.Record(integrationEvent, context);
        await Task.Yield();
        if (store.Down)
            throw new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect,
                StackExchange.Redis.CommandFlags.None, "No connection is active/available to service this operation", null, StackExchange.Redis.CommandStatus.WaitingToBeSent);
    }
}

/// <summary>Records the steps it sees; fails a step while it is listed in <see cref="StepFailures"/>.</summary>
internal sealed class StepHandler(StepFailures failures, StepLog log) : IIntegrationEventHandler<CounterStepped>
{
    public async Task HandleAsync(CounterStepped e, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        log.Enter();
        try
        {
            await log.WaitAsync(cancellationToken);
            if (failures.Steps.ContainsKey((e.CounterId, e.Step))) throw new InvalidOperationException($"step {e.Step} refused");
            log.Seen.Enqueue(e);
        }
        finally
        {
            log.Leave();
        }
    }
}

public sealed class StepFailures
{
    public ConcurrentDictionary<(Guid Counter, int Step), bool> Steps { get; } = new();
}

/// <summary>What <see cref="StepHandler"/> saw, and how many deliveries were in flight at once.</summary>
public sealed class StepLog
{
    int inFlight;
    public ConcurrentQueue<CounterStepped> Seen { get; } = new();
    public int MostInFlight { get; private set; }
    /// <summary>When set, a delivery waits until this many are in flight together (or the timeout).</summary>
    public int WaitForTogether { get; init; }
    readonly TaskCompletionSource together = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Enter()
    {
        lock (Seen)
        {
            inFlight++;
            MostInFlight = Math.Max(MostInFlight, inFlight);
            if (WaitForTogether > 0 && inFlight >= WaitForTogether) together.TrySetResult();
        }
    }

    public void Leave()
    {
        lock (Seen) inFlight--;
    }

    public async Task WaitAsync(CancellationToken ct)
    {
        if (WaitForTogether <= 0) return;
        // Bounded on the real clock: delivered one by one, the deliveries would never meet.
        await Task.WhenAny(together.Task, Task.Delay(TimeSpan.FromSeconds(10), ct));
    }

    public IEnumerable<int> StepsOf(Guid counterId) => Seen.Where(s => s.CounterId == counterId).Select(s => s.Step);
}

/// <summary>An idempotent consumer: records the message in its inbox in the same transaction as its change.</summary>
internal sealed class CountingConsumer(OutboxTestDb db, TimeProvider clock, Deliveries deliveries) : IIntegrationEventHandler<CounterIncremented>
{
    public async Task HandleAsync(CounterIncremented integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        deliveries.Record(integrationEvent, context);
        if (!await db.TryRecordInboxAsync(context, "counting-consumer", clock, cancellationToken)) return;
        var counter = await db.Counters.SingleAsync(c => c.Id == integrationEvent.CounterId, cancellationToken);
        counter.Value += integrationEvent.By;
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>The outbox processor wired as the host wires it, over the test context on either provider.</summary>
internal sealed class OutboxHarness : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public ServiceProvider Services { get; }
    public Deliveries Deliveries { get; } = new();
    public OutboxOptions Options { get; }

    OutboxHarness(StorageProvider provider, OutboxOptions options, Action<IServiceCollection> handlers)
    {
        Options = options;
        var settings = new Dictionary<string, string?> { ["Encore:Storage"] = provider.ToString() };
        if (provider == StorageProvider.Postgres)
            settings["ConnectionStrings:Postgres"] = TestServers.NewPostgresDatabase("outbox");
        else
        {
            var dir = Path.Combine(Path.GetTempPath(), "encore-tests");
            Directory.CreateDirectory(dir);
            settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(dir, Guid.NewGuid().ToString("N"))}.db";
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Critical));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Deliveries);
        services.AddSingleton(options);
        services.AddSingleton(new IntegrationEventTypes([typeof(CounterIncremented), typeof(CounterStepped)]));
        services.AddModuleDbContext<OutboxTestDb, SqliteOutboxTestDb, PostgresOutboxTestDb>(configuration, OutboxTestDb.Schema);
        handlers(services);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public static async Task<OutboxHarness> StartAsync(StorageProvider provider, Action<IServiceCollection> handlers, OutboxOptions? options = null)
    {
        var harness = new OutboxHarness(provider, options ?? new OutboxOptions(), handlers);
        await using var scope = harness.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OutboxTestDb>().Database.EnsureCreatedAsync();
        return harness;
    }

    /// <summary>A processor of its own, as another app instance would have.</summary>
    public OutboxProcessor NewProcessor() => ActivatorUtilities.CreateInstance<OutboxProcessor>(Services);

    public async Task<T> WithDbAsync<T>(Func<OutboxTestDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<OutboxTestDb>());
    }

    public Task<List<OutboxMessage>> MessagesAsync() =>
        WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.OccurredAt).ToListAsync());

    /// <summary>Creates a counter and announces it in one SaveChanges, as a module's slice does.</summary>
    public Task<Guid> CreateCounterAsync(int by = 1) => WithDbAsync(async db =>
    {
        var counter = new Counter { Id = Guid.CreateVersion7() };
        db.Counters.Add(counter);
        db.AddToOutbox(new CounterIncremented(counter.Id, by), Clock);
        await db.SaveChangesAsync();
        return counter.Id;
    });

    /// <summary>Writes events in one transaction each, a tick of the clock apart, as separate requests would.</summary>
    public async Task<List<Guid>> PublishAsync(params IIntegrationEvent[] events)
    {
        var ids = new List<Guid>();
        foreach (var e in events)
        {
            ids.Add(await WithDbAsync(async db =>
            {
                db.AddToOutbox(e, Clock);
                await db.SaveChangesAsync();
                return db.Set<OutboxMessage>().Local.Single().Id;
            }));
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        return ids;
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
