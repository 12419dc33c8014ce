using Encore.BuildingBlocks;
using Microsoft.Extensions.Logging;

namespace Encore.Inventory.Holds;

/// <summary>
/// Lets go of holds that a hold store may have placed after their request had already failed: a
/// Redis that stalls past the client's timeout still runs the script it received once it resumes.
/// A buyer who sent no Idempotency-Key cannot ask for that hold back, and their next try would be
/// refused by it ("seats no longer available", their own) until its TTL. The release goes out on the
/// same connection after the hold, so the store runs it after the hold if it runs the hold at all;
/// it is retried while the store is still down, for at most the hold's TTL.
/// </summary>
internal sealed partial class LateHoldReleases(IHoldStore store, TimeProvider clock, ILogger<LateHoldReleases> logger)
{
    static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    public void LetGo(Guid holdId, Guid buyerId, TimeSpan ttl) => _ = LetGoAsync(holdId, buyerId, clock.GetUtcNow() + ttl);

    async Task LetGoAsync(Guid holdId, Guid buyerId, DateTimeOffset until)
    {
        while (true)
        {
            try
            {
                if (await store.ReleaseAsync(holdId, buyerId, CancellationToken.None) is not null) LogLetGo(logger, holdId);
                return;
            }
            catch (Exception e) when (Outages.Caused(e) && clock.GetUtcNow() + RetryEvery < until)
            {
                await Task.Delay(RetryEvery, clock);
            }
            catch (Exception e)
            {
                // Given up (or a bug): the hold, if it exists, ends with its TTL.
                LogGaveUp(logger, e, holdId);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Let go of hold {HoldId}: the store placed it after its request had failed")]
    static partial void LogLetGo(ILogger logger, Guid holdId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not let go of hold {HoldId}, which its request never learned of; it ends with its TTL")]
    static partial void LogGaveUp(ILogger logger, Exception exception, Guid holdId);
}
