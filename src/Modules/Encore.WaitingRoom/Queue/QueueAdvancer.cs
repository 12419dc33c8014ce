using System.Text.Json;
using Encore.BuildingBlocks.Live;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.WaitingRoom.Queue;

/// <summary>
/// Every instance ticks; per queue and tick, the store lets exactly one of them advance (the first
/// to arrive) and that one broadcasts the serving counter to every instance's live connections.
/// At the start the first tick also seals the pre-queue and stores the draw.
/// </summary>
internal sealed class QueueAdvancer(
    QueueDirectory directory, IQueueStore store, ILiveBroadcast live, TimeProvider clock, WaitingRoomOptions options,
    ILogger<QueueAdvancer> logger) : BackgroundService
{
    long advances;

    /// <summary>How many advances this instance made (each one a tick in which it, not another instance, moved a queue).</summary>
    public long Advances => Interlocked.Read(ref advances);

    /// <summary>The live message: the serving counter and the phase; each client knows its own number.</summary>
    /// <param name="At">When the counter moved (Unix ms, the advancing instance's clock): lets a client measure how late the push reached it.</param>
    internal sealed record LiveMessage(long Serving, string Phase, long At);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.BackgroundAdvance) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.TickMilliseconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed tick (Redis or the database briefly away) is retried by the next one.
                logger.LogWarning(ex, "Waiting-room tick failed");
            }
        }
    }

    /// <summary>One tick over every running queue; returns how many this instance advanced.</summary>
    public async Task<int> TickAsync(CancellationToken ct)
    {
        var ran = 0;
        foreach (var queue in await directory.RunningAsync(ct))
        {
            var now = clock.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            var seal = await store.SealAsync(queue.EventId, queue.StartsAt.ToUnixTimeMilliseconds(), nowMs);
            if (seal.Sealed && !seal.Ordered)
                await store.SetOrderAsync(queue.EventId, FairDraw.Numbers(queue.Seed, checked((int)seal.PreQueue)));
            var result = await store.AdvanceAsync(queue.EventId, queue.Rules(), nowMs, options.TickMilliseconds, options.MaxScanPerTick);
            if (!result.Ran) continue;
            ran++;
            Interlocked.Increment(ref advances);
            await live.PublishAsync(QueueService.Channel(queue.EventId),
                JsonSerializer.Serialize(new LiveMessage(result.Serving, Buyers.PublicQueue.Phase(queue, now), nowMs), JsonSerializerOptions.Web));
        }
        return ran;
    }
}
