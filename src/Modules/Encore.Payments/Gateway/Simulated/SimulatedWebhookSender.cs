using System.Text;
using Encore.BuildingBlocks;
using Encore.Payments.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.Payments.Gateway.Simulated;

/// <summary>
/// The simulated gateway's webhook deliveries, as Stripe makes them: from a queue (never inside the
/// request that caused them), signed with the endpoint's secret at send time, retried with backoff
/// until answered 2xx. A delivery is leased by one instance at a time; the receiver's event-id check
/// makes a second delivery of one event harmless anyway.
/// </summary>
internal sealed class SimulatedWebhookSender(
    IServiceScopeFactory scopes, PaymentsOptions options, WebhookSecrets secrets, IHttpClientFactory http, TimeProvider clock,
    ILogger<SimulatedWebhookSender> logger)
{
    static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(60);

    /// <summary>Delivers every due event once; returns how many were accepted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var now = clock.GetUtcNow();
        var delivered = 0;
        foreach (var delivery in await ClaimAsync(db, now, ct))
        {
            var id = delivery.EventId;
            var (ok, error) = await SendAsync(delivery.Payload, ct);
            if (ok)
            {
                var at = clock.GetUtcNow();
                await db.SimulatedWebhooks.Where(d => d.EventId == id).ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Attempts, d => d.Attempts + 1).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(d => d.Status, DeliveryStatus.Delivered).SetProperty(d => d.DeliveredAt, at), ct);
                delivered++;
                continue;
            }
            var failed = await db.SimulatedWebhooks.SingleAsync(d => d.EventId == id, ct);
            failed.Attempts++;
            failed.LockedUntil = null;
            failed.LastError = error is { Length: > 1000 } ? error[..1000] : error;
            if (failed.Attempts >= options.Simulated.WebhookMaxAttempts) failed.Status = DeliveryStatus.GaveUp;
            else failed.NextAttemptAt = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, failed.Attempts)));
            logger.LogWarning("Simulated webhook {EventId} ({Type}) not accepted, attempt {Attempts}: {Error}", failed.EventId, failed.Type, failed.Attempts, error);
            await db.SaveChangesAsync(ct);
        }
        return delivered;
    }

    /// <summary>
    /// Leases up to 20 due deliveries to this instance. On PostgreSQL one transaction takes them with
    /// FOR UPDATE SKIP LOCKED, so instances polling together take different rows instead of racing
    /// for the same ones (a conditional update per row lost two races in three with 3 instances).
    /// </summary>
    async Task<List<SimulatedWebhookDelivery>> ClaimAsync(PaymentsDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var entity = db.Model.FindEntityType(typeof(SimulatedWebhookDelivery))!;
            // The table name is the model's constant; the values are parameters.
            var sql = "SELECT * FROM \"" + entity.GetSchema() + "\".\"" + entity.GetTableName() + "\" " +
                "WHERE \"Status\" = {0} AND \"NextAttemptAt\" <= {1} AND (\"LockedUntil\" IS NULL OR \"LockedUntil\" < {1}) " +
                "ORDER BY \"CreatedAt\" LIMIT 20 FOR UPDATE SKIP LOCKED";
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Database.AutoSavepointsEnabled = false; // this scope's context serves this pass alone
            var batch = await db.SimulatedWebhooks.FromSqlRaw(sql, (int)DeliveryStatus.Pending, now).ToListAsync(ct);
            foreach (var delivery in batch) delivery.LockedUntil = now + LeaseTime;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return batch;
        }
        // SQLite: one writer at a time anyway; a conditional update per row claims it.
        var due = await db.SimulatedWebhooks.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .OrderBy(d => d.CreatedAt).Take(20).ToListAsync(ct);
        var claimed = new List<SimulatedWebhookDelivery>();
        foreach (var delivery in due)
        {
            var id = delivery.EventId;
            if (await db.SimulatedWebhooks
                    .Where(d => d.EventId == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, now + LeaseTime), ct) == 1)
                claimed.Add(delivery);
        }
        return claimed;
    }

    async Task<(bool Ok, string? Error)> SendAsync(string payload, CancellationToken ct)
    {
        var signature = WebhookSignature.Sign(secrets.For(SimulatedGateway.Name), clock.GetUtcNow().ToUnixTimeSeconds(), payload);
        try
        {
            if (options.Simulated.WebhookUrl is { Length: > 0 } url)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature);
                using var response = await http.CreateClient(nameof(SimulatedWebhookSender)).SendAsync(request, ct);
                return response.IsSuccessStatusCode ? (true, null) : (false, $"HTTP {(int)response.StatusCode}");
            }
            // No URL: hand the signed event to this app's own receiver, the code behind the HTTP endpoint.
            await using var scope = scopes.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<WebhookReceiver>().ReceiveAsync(SimulatedGateway.Name, signature, payload, ct);
            return outcome.StatusCode is >= 200 and < 300 ? (true, null) : (false, $"{outcome.StatusCode}: {outcome.Problem}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or DbUpdateException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            return (false, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}

internal sealed class SimulatedWebhookRelay(SimulatedWebhookSender sender, TimeProvider clock, ILogger<SimulatedWebhookRelay> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await sender.DeliverDueAsync(stoppingToken) > 0) continue;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Simulated webhook pass failed");
            }
            if (!await Pause.NextPassAsync(Interval, clock, stoppingToken)) return;
        }
    }
}
