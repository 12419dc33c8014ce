using Encore.BuildingBlocks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.Catalog.Http;

/// <summary>
/// Forgets recorded create responses once no honest retry can still arrive. Keys must live at
/// least 24 hours (clients retry across a day's outage); we keep them for two days. Every instance
/// runs this; deleting the same old rows twice is harmless.
/// </summary>
internal sealed partial class IdempotencyPruning(IServiceScopeFactory scopes, TimeProvider clock, ILogger<IdempotencyPruning> logger) : BackgroundService
{
    internal static readonly TimeSpan KeepFor = TimeSpan.FromHours(48);
    static readonly TimeSpan Every = TimeSpan.FromHours(1);

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
                LogPruneFailed(logger, e);
            }
        }
        while (await Pause.NextPassAsync(Every, clock, stoppingToken));
    }

    internal async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var cutoff = clock.GetUtcNow() - KeepFor;
        return await db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old idempotency records failed; the next run tries again.")]
    static partial void LogPruneFailed(ILogger logger, Exception exception);
}
