using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.BuildingBlocks;

/// <summary>
/// An operator deals with a dead letter: retried, it is delivered and the messages of its key that
/// waited behind it follow in order; discarded, it is never delivered and they go on without it.
/// </summary>
public sealed class DeadLetterTests
{
    static Action<IServiceCollection> Steps(StepFailures failures, StepLog log) => s => s
        .AddSingleton(failures).AddSingleton(log).AddScoped<IIntegrationEventHandler<CounterStepped>, StepHandler>();

    /// <summary>Step 1 of one counter is dead-lettered with step 2 waiting behind it; another counter's step is delivered.</summary>
    static async Task<(OutboxHarness Harness, Guid Counter, List<Guid> Ids, StepFailures Failures, StepLog Log)> DeadLetterAsync(StorageProvider provider)
    {
        var failures = new StepFailures();
        var log = new StepLog();
        var harness = await OutboxHarness.StartAsync(provider, Steps(failures, log), new OutboxOptions { MaxAttempts = 1 });
        var counter = Guid.CreateVersion7();
        failures.Steps[(counter, 1)] = true;
        var ids = await harness.PublishAsync(new CounterStepped(counter, 1), new CounterStepped(counter, 2), new CounterStepped(Guid.CreateVersion7(), 1));
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        return (harness, counter, ids, failures, log);
    }

    static async Task<T> WithDeadLettersAsync<T>(OutboxHarness harness, Func<DeadLetters, Task<T>> work)
    {
        await using var scope = harness.Services.CreateAsyncScope();
        return await work(ActivatorUtilities.CreateInstance<DeadLetters>(scope.ServiceProvider));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_retried_dead_letter_is_delivered_and_the_messages_behind_it_follow_in_order(StorageProvider provider)
    {
        var (harness, counter, ids, failures, log) = await DeadLetterAsync(provider);
        await using var _ = harness;

        var listed = Assert.Single(await WithDeadLettersAsync(harness, d => d.ListAsync(CancellationToken.None)));
        Assert.Equal((OutboxTestDb.Schema, ids[0], 1, $"counter:{counter:N}"), (listed.Module, listed.Id, listed.HeldBack, listed.OrderingKey));
        Assert.Contains("step 1 refused", listed.LastError);
        Assert.Contains("\"step\":1", listed.Payload);

        // The cause is fixed; the operator retries. A second click (or a second operator) changes nothing.
        failures.Steps.Clear();
        Assert.Equal(DeadLetterAction.Retried, await WithDeadLettersAsync(harness, d => d.RetryAsync(OutboxTestDb.Schema, ids[0], "ops@encore.test", CancellationToken.None)));
        Assert.Equal(DeadLetterAction.NotDeadLettered, await WithDeadLettersAsync(harness, d => d.RetryAsync(OutboxTestDb.Schema, ids[0], "ops@encore.test", CancellationToken.None)));
        Assert.Empty(await WithDeadLettersAsync(harness, d => d.ListAsync(CancellationToken.None)));

        var processor = harness.NewProcessor();
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal(1, await processor.ProcessOnceAsync(CancellationToken.None));
        Assert.Equal([1, 2], log.StepsOf(counter));
        Assert.All(await harness.MessagesAsync(), m => Assert.Equal(OutboxStatus.Processed, m.Status));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_discarded_dead_letter_is_never_delivered_and_the_messages_behind_it_go_on(StorageProvider provider)
    {
        var (harness, counter, ids, _, log) = await DeadLetterAsync(provider);
        await using var _ = harness;

        Assert.Equal(DeadLetterAction.Discarded, await WithDeadLettersAsync(harness,
            d => d.DiscardAsync(OutboxTestDb.Schema, ids[0], "ops@encore.test", "The counter was deleted", CancellationToken.None)));
        Assert.Equal(DeadLetterAction.NotDeadLettered, await WithDeadLettersAsync(harness,
            d => d.RetryAsync(OutboxTestDb.Schema, ids[0], "ops@encore.test", CancellationToken.None)));

        harness.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await harness.NewProcessor().ProcessOnceAsync(CancellationToken.None));
        Assert.Equal([2], log.StepsOf(counter));
        var discarded = (await harness.MessagesAsync()).Single(m => m.Id == ids[0]);
        Assert.Equal((OutboxStatus.Discarded, harness.Clock.GetUtcNow() - TimeSpan.FromDays(1)), (discarded.Status, discarded.ProcessedAt));
        Assert.StartsWith("Discarded by ops@encore.test at ", discarded.LastError);
        Assert.Contains("The counter was deleted. Last error: InvalidOperationException: step 1 refused", discarded.LastError);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Only_a_dead_letter_can_be_retried_or_discarded(StorageProvider provider)
    {
        var (harness, _, ids, _, _) = await DeadLetterAsync(provider);
        await using var __ = harness;

        // Step 2 is pending behind the dead letter, the other counter's step delivered: neither is an operator's to change.
        foreach (var id in ids.Skip(1))
        {
            Assert.Equal(DeadLetterAction.NotDeadLettered, await WithDeadLettersAsync(harness, d => d.RetryAsync(OutboxTestDb.Schema, id, "ops", CancellationToken.None)));
            Assert.Equal(DeadLetterAction.NotDeadLettered, await WithDeadLettersAsync(harness, d => d.DiscardAsync(OutboxTestDb.Schema, id, "ops", "why", CancellationToken.None)));
        }
        Assert.Equal(DeadLetterAction.NotFound, await WithDeadLettersAsync(harness, d => d.RetryAsync(OutboxTestDb.Schema, Guid.CreateVersion7(), "ops", CancellationToken.None)));
        Assert.Equal(DeadLetterAction.NotFound, await WithDeadLettersAsync(harness, d => d.RetryAsync("no_such_module", ids[0], "ops", CancellationToken.None)));
        var messages = await harness.MessagesAsync();
        Assert.Equal([OutboxStatus.DeadLettered, OutboxStatus.Pending, OutboxStatus.Processed], messages.Select(m => m.Status));
    }
}
