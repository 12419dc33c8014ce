using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.BuildingBlocks;

public sealed class OutboxTests
{
    static void Recording(IServiceCollection s) => s.AddScoped<IIntegrationEventHandler<CounterIncremented>, RecordingHandler>();

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_event_saved_with_a_state_change_reaches_its_handler(StorageProvider provider)
    {
        await using var harness = await OutboxHarness.StartAsync(provider, Recording);
        var counterId = await harness.CreateCounterAsync(by: 3);

        var delivered = await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None);

        Assert.Equal(1, delivered);
        var seen = Assert.Single(harness.Deliveries.Events);
        Assert.Equal(new CounterIncremented(counterId, 3), seen);
        var message = Assert.Single(await harness.MessagesAsync());
        Assert.Equal(OutboxStatus.Processed, message.Status);
        Assert.Equal(harness.Clock.GetUtcNow(), message.ProcessedAt);
        Assert.Equal(1, message.Attempts);
        Assert.Null(message.LockedUntil);

        // Processed messages are not delivered again.
        Assert.Equal(0, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(1, harness.Deliveries.Calls);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Nothing_is_written_when_the_transaction_rolls_back(StorageProvider provider)
    {
        await using var harness = await OutboxHarness.StartAsync(provider, Recording);

        await harness.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var counter = new Counter { Id = Guid.CreateVersion7() };
            db.Counters.Add(counter);
            db.AddToOutbox(new CounterIncremented(counter.Id, 1), harness.Clock);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
            return 0;
        });

        Assert.Empty(await harness.MessagesAsync());
        Assert.Equal(0, await harness.WithDbAsync(db => db.Counters.CountAsync()));
        Assert.Equal(0, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Empty(harness.Deliveries.Events);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_failing_handler_is_retried_with_backoff_then_dead_lettered(StorageProvider provider)
    {
        await using var harness = await OutboxHarness.StartAsync(provider,
            s => s.AddScoped<IIntegrationEventHandler<CounterIncremented>, FailingHandler>(),
            new OutboxOptions { MaxAttempts = 4 });
        await harness.CreateCounterAsync();
        var processor = harness.NewProcessor();

        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        var first = Assert.Single(await harness.MessagesAsync());
        Assert.Equal(OutboxStatus.Pending, first.Status);
        Assert.Equal(1, first.Attempts);
        Assert.Contains("the downstream gate is closed", first.LastError);
        Assert.Null(first.LockedUntil);
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(2), first.NextAttemptAt);

        // Not before its backoff has passed...
        await processor.ProcessOnceAsync(CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await processor.ProcessOnceAsync(CancellationToken.None);
        Assert.Equal(1, harness.Deliveries.Calls);

        // ...then again after 2 s, 4 s and 8 s: the backoff doubles.
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await processor.ProcessOnceAsync(CancellationToken.None);
        Assert.Equal(2, harness.Deliveries.Calls);
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(4), Assert.Single(await harness.MessagesAsync()).NextAttemptAt);

        harness.Clock.Advance(TimeSpan.FromSeconds(3));
        await processor.ProcessOnceAsync(CancellationToken.None);
        Assert.Equal(2, harness.Deliveries.Calls);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await processor.ProcessOnceAsync(CancellationToken.None);
        Assert.Equal(3, harness.Deliveries.Calls);

        harness.Clock.Advance(TimeSpan.FromSeconds(8));
        await processor.ProcessOnceAsync(CancellationToken.None);
        Assert.Equal(4, harness.Deliveries.Calls);

        var dead = Assert.Single(await harness.MessagesAsync());
        Assert.Equal(OutboxStatus.DeadLettered, dead.Status);
        Assert.Equal(4, dead.Attempts);
        Assert.Equal("InvalidOperationException: the downstream gate is closed", dead.LastError);
        Assert.Null(dead.ProcessedAt);

        // A dead letter stays put however long we wait.
        harness.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(4, harness.Deliveries.Calls);
    }

    [Fact]
    public async Task A_handler_whose_store_is_down_waits_for_it_without_being_dead_lettered()
    {
        var redis = new StoreSwitch();
        await using var harness = await OutboxHarness.StartAsync(StorageProvider.Sqlite,
            s => s.AddSingleton(redis).AddScoped<IIntegrationEventHandler<CounterIncremented>, OutageHandler>(),
            new OutboxOptions { MaxAttempts = 2 });
        await harness.CreateCounterAsync();
        var processor = harness.NewProcessor();

        // Far more tries than MaxAttempts while Redis is unreachable: the message stays pending, its attempts unspent.
        for (var pass = 0; pass < 6; pass++)
        {
            Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
            var waiting = Assert.Single(await harness.MessagesAsync());
            Assert.Equal(OutboxStatus.Pending, waiting.Status);
            Assert.Equal(0, waiting.Attempts);
            Assert.StartsWith("RedisConnectionException", waiting.LastError);
            Assert.Equal(harness.Clock.GetUtcNow() + OutboxProcessor.OutageRetry, waiting.NextAttemptAt);
            harness.Clock.Advance(OutboxProcessor.OutageRetry);
        }
        Assert.Equal(6, harness.Deliveries.Calls);

        // The store is back: the message is delivered.
        redis.Down = false;
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(OutboxStatus.Processed, Assert.Single(await harness.MessagesAsync()).Status);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_failing_handler_does_not_hold_back_the_other_handlers_of_the_message(StorageProvider provider)
    {
        // The failing consumer is registered first: before, it stopped the loop and the counting
        // consumer never saw the event (a failing invoice once kept paid orders from their tickets).
        await using var harness = await OutboxHarness.StartAsync(provider, s =>
        {
            s.AddScoped<IIntegrationEventHandler<CounterIncremented>, FailingHandler>();
            s.AddScoped<IIntegrationEventHandler<CounterIncremented>, CountingConsumer>();
        });
        var counterId = await harness.CreateCounterAsync(by: 3);
        var processor = harness.NewProcessor();

        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(3, await harness.WithDbAsync(db => db.Counters.Where(c => c.Id == counterId).Select(c => c.Value).SingleAsync()));
        var pending = Assert.Single(await harness.MessagesAsync());
        Assert.Equal(OutboxStatus.Pending, pending.Status);
        Assert.Contains("the downstream gate is closed", pending.LastError);

        // The retry calls both again; the consumer that already succeeded skips it through its inbox.
        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(4, harness.Deliveries.Calls);
        Assert.Equal(3, await harness.WithDbAsync(db => db.Counters.Where(c => c.Id == counterId).Select(c => c.Value).SingleAsync()));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_inbox_makes_a_redelivered_message_take_effect_once(StorageProvider provider)
    {
        await using var harness = await OutboxHarness.StartAsync(provider,
            s => s.AddScoped<IIntegrationEventHandler<CounterIncremented>, CountingConsumer>());
        var counterId = await harness.CreateCounterAsync(by: 5);
        var processor = harness.NewProcessor();

        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        // The relay crashed after the consumer committed but before it marked the message
        // processed: the message is pending again and is delivered a second time.
        await harness.WithDbAsync(db => db.Set<OutboxMessage>().ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Pending)));
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));

        var delivery = Assert.Single(harness.Deliveries.ByMessage);
        Assert.Equal(2, delivery.Value);
        Assert.Equal(5, await harness.WithDbAsync(db => db.Counters.Where(c => c.Id == counterId).Select(c => c.Value).SingleAsync()));
        Assert.Equal(1, await harness.WithDbAsync(db => db.Set<InboxMessage>().CountAsync()));
    }

    [Fact]
    public async Task Two_processors_on_postgres_deliver_each_message_exactly_once()
    {
        const int count = 200;
        await using var harness = await OutboxHarness.StartAsync(StorageProvider.Postgres, Recording, new OutboxOptions { BatchSize = 7 });
        await harness.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++) db.AddToOutbox(new CounterIncremented(Guid.CreateVersion7(), i), harness.Clock);
            return await db.SaveChangesAsync();
        });

        var perProcessor = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var processor = harness.NewProcessor();
            var mine = 0;
            // Bounded: 200 messages in batches of 7 need 29 passes between the two.
            for (var pass = 0; pass < 200 && harness.Deliveries.Calls < count; pass++)
                mine += await processor.ProcessOnceAsync(CancellationToken.None);
            return mine;
        })));

        Assert.Equal(count, perProcessor.Sum());
        Assert.Equal(count, harness.Deliveries.ByMessage.Count);
        Assert.All(harness.Deliveries.ByMessage.Values, n => Assert.Equal(1, n));
        var messages = await harness.MessagesAsync();
        Assert.All(messages, m => Assert.Equal(OutboxStatus.Processed, m.Status));
        Assert.Equal(messages.Select(m => m.Id).Order(), harness.Deliveries.ByMessage.Keys.Order());
    }

    [Fact]
    public async Task An_expired_lease_lets_another_processor_take_the_message()
    {
        await using var harness = await OutboxHarness.StartAsync(StorageProvider.Postgres, Recording,
            new OutboxOptions { LeaseDuration = TimeSpan.FromSeconds(30) });
        await harness.CreateCounterAsync();
        // An instance leased the message and died before delivering it.
        var leasedUntil = harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(30);
        await harness.WithDbAsync(db => db.Set<OutboxMessage>().ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, leasedUntil)));

        Assert.Equal(0, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(1, harness.Deliveries.Calls);
    }

    static Action<IServiceCollection> Steps(StepFailures failures, StepLog log) => s => s
        .AddSingleton(failures).AddSingleton(log).AddScoped<IIntegrationEventHandler<CounterStepped>, StepHandler>();

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_message_waits_while_an_earlier_one_with_its_key_is_retried(StorageProvider provider)
    {
        // A refund must never overtake the payment it refunds: were it handled first, the payment's
        // tickets would be issued after the refund had voided none, and admit at the gate.
        var failures = new StepFailures();
        var log = new StepLog();
        await using var harness = await OutboxHarness.StartAsync(provider, Steps(failures, log));
        var (order, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        failures.Steps[(order, 1)] = true;
        await harness.PublishAsync(new CounterStepped(order, 1), new CounterStepped(order, 2), new CounterStepped(other, 1));
        var processor = harness.NewProcessor();

        // Step 1 fails and backs off; step 2 waits for it; another key goes on.
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Empty(log.StepsOf(order));
        Assert.Equal([1], log.StepsOf(other));
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        var second = (await harness.MessagesAsync()).Single(m => m.Payload.Contains("\"step\":2"));
        Assert.Equal((OutboxStatus.Pending, 0), (second.Status, second.Attempts));

        // Step 1 goes through on its retry; step 2 follows, in order.
        failures.Steps.Clear();
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal([1, 2], log.StepsOf(order));
        Assert.All(await harness.MessagesAsync(), m => Assert.Equal(OutboxStatus.Processed, m.Status));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_message_waits_while_another_instance_holds_an_earlier_one_with_its_key(StorageProvider provider)
    {
        var log = new StepLog();
        await using var harness = await OutboxHarness.StartAsync(provider, Steps(new StepFailures(), log));
        var order = Guid.CreateVersion7();
        var ids = await harness.PublishAsync(new CounterStepped(order, 1), new CounterStepped(order, 2));
        // Another instance leased step 1 and is still delivering it.
        var leasedUntil = harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(30);
        await harness.WithDbAsync(db => db.Set<OutboxMessage>().Where(m => m.Id == ids[0]).ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, leasedUntil)));

        Assert.Equal(0, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Empty(log.Seen);

        // That instance marks step 1 delivered: step 2 may go.
        await harness.WithDbAsync(db => db.Set<OutboxMessage>().Where(m => m.Id == ids[0])
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Processed).SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)));
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal([2], log.StepsOf(order));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_messages_after_a_dead_letter_of_their_key_wait_for_an_operator(StorageProvider provider)
    {
        var failures = new StepFailures();
        var log = new StepLog();
        await using var harness = await OutboxHarness.StartAsync(provider, Steps(failures, log), new OutboxOptions { MaxAttempts = 1 });
        var order = Guid.CreateVersion7();
        failures.Steps[(order, 1)] = true;
        await harness.PublishAsync(new CounterStepped(order, 1), new CounterStepped(order, 2));
        var processor = harness.NewProcessor();

        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await processor.ProcessOnceAsync(CancellationToken.None));
        var messages = await harness.MessagesAsync();
        Assert.Equal([OutboxStatus.DeadLettered, OutboxStatus.Pending], messages.Select(m => m.Status));
        Assert.Equal(0, messages[1].Attempts);
        Assert.Empty(log.Seen);
    }

    [Fact]
    public async Task Messages_of_different_keys_are_delivered_side_by_side_on_postgres()
    {
        var log = new StepLog { WaitForTogether = 3 };
        await using var harness = await OutboxHarness.StartAsync(StorageProvider.Postgres, Steps(new StepFailures(), log), new OutboxOptions { Parallelism = 3 });
        var (a, b, c) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await harness.PublishAsync(new CounterStepped(a, 1), new CounterStepped(b, 1), new CounterStepped(a, 2), new CounterStepped(c, 1));

        // One pass: a's first step, b's and c's are delivered together; a's second waits for its first.
        Assert.Equal(3, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(3, log.MostInFlight);
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal([1, 2], log.StepsOf(a));
        Assert.Equal(4, log.Seen.Count);
    }

    [Fact]
    public async Task A_claim_with_thousands_waiting_reads_the_oldest_in_order_instead_of_sorting_them_all()
    {
        var log = new StepLog();
        await using var harness = await OutboxHarness.StartAsync(StorageProvider.Postgres, Steps(new StepFailures(), log), new OutboxOptions { BatchSize = 50 });
        // What a flash sale's payments leave: thousands waiting, two per key (an order's OrderPaid and PaymentCaptured).
        var keys = Enumerable.Range(0, 2000).Select(_ => Guid.CreateVersion7()).ToList();
        await harness.WithDbAsync(async db =>
        {
            foreach (var key in keys)
                for (var step = 1; step <= 2; step++)
                {
                    db.AddToOutbox(new CounterStepped(key, step), harness.Clock);
                    harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
                }
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync($"ANALYZE \"{OutboxTestDb.Schema}\".outbox_messages");
            return 0;
        });

        var plan = await harness.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN (FORMAT JSON) " + OutboxProcessor.ClaimSql(db, 50).Replace("{0}", "@now", StringComparison.Ordinal);
            explain.Parameters.Add(new Npgsql.NpgsqlParameter("now", harness.Clock.GetUtcNow()));
            return (string)(await explain.ExecuteScalarAsync())!;
        });
        // Read in claim order from the pending-only index and stopped at the batch: no sort of all 4,000.
        Assert.Contains("IX_outbox_messages_occurred_at_id", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Sort\"", plan, StringComparison.Ordinal);

        // And the batch is still the oldest deliverable: each of the first 50 keys' first step, none of their second.
        Assert.Equal(50, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(keys.Take(50).Order(), log.Seen.Select(s => s.CounterId).Order());
        Assert.All(log.Seen, s => Assert.Equal(1, s.Step));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Delivered_and_discarded_messages_are_deleted_after_a_week_dead_letters_and_pending_ones_stay(StorageProvider provider)
    {
        await using var harness = await OutboxHarness.StartAsync(provider, Recording);
        var delivered = (await harness.PublishAsync(new CounterIncremented(Guid.NewGuid(), 1)))[0];
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        var ids = await harness.PublishAsync(new CounterIncremented(Guid.NewGuid(), 2), new CounterIncremented(Guid.NewGuid(), 3), new CounterIncremented(Guid.NewGuid(), 4));
        var (deadLetter, discarded, waiting) = (ids[0], ids[1], ids[2]);
        var muchLater = harness.Clock.GetUtcNow().AddDays(365);
        await harness.WithDbAsync(async db =>
        {
            var messages = db.Set<OutboxMessage>();
            await messages.Where(m => m.Id == deadLetter).ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.DeadLettered));
            await messages.Where(m => m.Id == discarded).ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Discarded));
            // Still pending, backing off after failures: it is not done with, however old.
            return await messages.Where(m => m.Id == waiting).ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, muchLater));
        });
        var retention = ActivatorUtilities.CreateInstance<OutboxRetention>(harness.Services);

        harness.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, await retention.PruneAsync(CancellationToken.None));
        var recent = (await harness.PublishAsync(new CounterIncremented(Guid.NewGuid(), 5)))[0];
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(2, await retention.PruneAsync(CancellationToken.None));
        var left = (await harness.MessagesAsync()).Select(m => m.Id).ToHashSet();
        Assert.Equal(new[] { deadLetter, waiting, recent }.Order(), left.Order());
    }

    [Fact]
    public void Extra_event_types_may_repeat_contract_types()
    {
        var types = new IntegrationEventTypes([typeof(CounterIncremented), typeof(CounterIncremented), typeof(Encore.Contracts.Catalog.EventPublished)]);

        Assert.Equal(typeof(CounterIncremented), types.Find(typeof(CounterIncremented).FullName!));
        Assert.Equal(typeof(Encore.Contracts.Catalog.EventPublished), types.Find(typeof(Encore.Contracts.Catalog.EventPublished).FullName!));
        Assert.Null(types.Find("Nope.Unknown"));
    }
}
