using Encore.BuildingBlocks;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.Orders.Checkout;

/// <summary>
/// Runs on every instance: expires unpaid orders whose hold ended (voiding any authorization; a
/// started 3-D Secure check gets <see cref="OrdersOptions.ChallengeGraceMinutes"/> more), and retries
/// captures that failed after the confirm transaction committed — an authorization stays valid for
/// days, so a gateway outage delays the capture, never the sale. Each order changes under its
/// concurrency token, so two instances doing the same pass change it once.
/// </summary>
internal sealed partial class OrderMaintenance(IServiceScopeFactory scopes, TimeProvider clock, OrdersOptions options, ILogger<OrderMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(logger, e);
            }
        }
        while (await Pause.NextPassAsync(TimeSpan.FromSeconds(options.MaintenanceSeconds), clock, stoppingToken));
    }

    /// <summary>One pass; returns how many orders it expired and captured.</summary>
    public async Task<(int Expired, int Captured)> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var checkout = scope.ServiceProvider.GetRequiredService<CheckoutService>();
        var now = clock.GetUtcNow();
        var graceStart = now - TimeSpan.FromMinutes(options.ChallengeGraceMinutes);

        var due = await db.Orders.AsNoTracking()
            .Where(o => ((o.Status == OrderStatus.Pending || o.Status == OrderStatus.PaymentFailed) && o.PayBy <= now)
                || ((o.Status == OrderStatus.AwaitingPayment || o.Status == OrderStatus.RequiresAction) && o.PayBy <= graceStart))
            .OrderBy(o => o.PayBy).Select(o => o.Id).Take(200).ToListAsync(ct);
        var expired = 0;
        foreach (var id in due)
            if (await checkout.ExpireAsync(id, "The hold ended before payment", ct)) expired++;

        var uncaptured = await db.Orders.AsNoTracking()
            .Where(o => o.PaidAt != null && o.CapturedAt == null && o.PaymentId != null)
            .OrderBy(o => o.PaidAt).Select(o => o.Id).Take(200).ToListAsync(ct);
        var captured = 0;
        foreach (var id in uncaptured)
        {
            db.ChangeTracker.Clear();
            if (await checkout.FindAsync(id, ct) is not { } order) continue;
            await checkout.CaptureAsync(order, ct);
            if (order.CapturedAt is not null) captured++;
        }
        return (expired, captured);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order maintenance pass failed; the next pass tries again")]
    static partial void LogPassFailed(ILogger logger, Exception exception);
}
