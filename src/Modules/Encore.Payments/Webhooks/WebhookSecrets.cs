using System.Security.Cryptography;
using Encore.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Encore.Payments.Webhooks;

/// <summary>
/// The secret webhooks are signed with. Stripe's comes from configuration. The simulated gateway's
/// too, except in the embedded topology, where a newcomer should not have to invent one: it is
/// generated once and kept in the database (so a restart keeps it). The scaled topology must configure it.
/// </summary>
internal sealed class WebhookSecrets(PaymentsOptions options, IServiceScopeFactory scopes, TimeProvider clock)
{
    const string SimulatedName = "simulated-webhook-secret";
    string? generated;

    public static void Validate(PaymentsOptions options, StorageOptions storage)
    {
        if (!options.UsesStripe && storage.IsPostgres && string.IsNullOrEmpty(options.Simulated.WebhookSecret))
            throw new InvalidOperationException(
                "Encore:Payments:Simulated:WebhookSecret is required in the scaled topology (PostgreSQL); only the embedded topology generates one.");
    }

    public string For(string provider) => provider switch
    {
        "stripe" => options.Stripe.WebhookSecret,
        _ => options.Simulated.WebhookSecret is { Length: > 0 } configured ? configured
            : generated ?? throw new InvalidOperationException("The simulated gateway's webhook secret was not loaded at start."),
    };

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (options.UsesStripe || !string.IsNullOrEmpty(options.Simulated.WebhookSecret) || generated is not null) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var existing = await db.Secrets.AsNoTracking().SingleOrDefaultAsync(s => s.Name == SimulatedName, ct);
        if (existing is null)
        {
            db.Secrets.Add(new GeneratedSecret { Name = SimulatedName, Value = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), CreatedAt = clock.GetUtcNow() });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); }
            existing = await db.Secrets.AsNoTracking().SingleAsync(s => s.Name == SimulatedName, ct);
        }
        generated = existing.Value;
    }
}

/// <summary>
/// Loads (or generates) the webhook secret before the app serves, so no request writes it. Checked here rather than at
/// registration so that the one-shot commands (seed-demo, reconcile), which take no webhooks, run without it.
/// </summary>
internal sealed class WebhookSecretsWarmup(WebhookSecrets secrets, PaymentsOptions options, StorageOptions storage) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        WebhookSecrets.Validate(options, storage);
        return secrets.EnsureAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
