using System.Text.Json;
using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Payments.Gateway.Simulated;
using Encore.Payments.Model;
using Encore.Payments.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Payments;

internal class PaymentsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "payments";

    public DbSet<PaymentAttempt> Attempts => Set<PaymentAttempt>();
    public DbSet<PaymentRefund> Refunds => Set<PaymentRefund>();
    public DbSet<PaymentDispute> Disputes => Set<PaymentDispute>();
    public DbSet<FraudDecision> FraudDecisions => Set<FraudDecision>();
    public DbSet<WebhookReceipt> WebhookReceipts => Set<WebhookReceipt>();
    public DbSet<GeneratedSecret> Secrets => Set<GeneratedSecret>();
    public DbSet<SimulatedIntent> SimulatedIntents => Set<SimulatedIntent>();
    public DbSet<SimulatedRefund> SimulatedRefunds => Set<SimulatedRefund>();
    public DbSet<SimulatedWebhookDelivery> SimulatedWebhooks => Set<SimulatedWebhookDelivery>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<PaymentAttempt>(e =>
        {
            e.ToTable("attempts");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.Currency).HasMaxLength(3);
            e.Property(a => a.PaymentMethod).HasMaxLength(200);
            e.Property(a => a.ReturnUrl).HasMaxLength(2000);
            e.Property(a => a.Provider).HasMaxLength(20);
            e.Property(a => a.RequestHash).HasMaxLength(64);
            e.Property(a => a.CardFingerprint).HasMaxLength(64);
            e.Property(a => a.CardCountry).HasMaxLength(2);
            e.Property(a => a.IpAddress).HasMaxLength(64);
            e.Property(a => a.DeviceId).HasMaxLength(100);
            e.Property(a => a.BillingCountry).HasMaxLength(2);
            e.Property(a => a.ProviderReference).HasMaxLength(100);
            e.Property(a => a.NextActionUrl).HasMaxLength(2000);
            e.Property(a => a.FailureCode).HasMaxLength(100);
            e.Property(a => a.FailureMessage).HasMaxLength(500);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => a.ProviderReference).IsUnique();
            e.HasIndex(a => a.OrderId);
            // The fraud screen's velocity counts.
            e.HasIndex(a => new { a.BuyerId, a.CreatedAt });
            e.HasIndex(a => new { a.CardFingerprint, a.CreatedAt });
            e.HasIndex(a => new { a.DeviceId, a.CreatedAt });
            e.HasIndex(a => new { a.IpAddress, a.CreatedAt });
            e.HasIndex(a => a.CapturedAt);
        });
        model.Entity<PaymentRefund>(e =>
        {
            e.ToTable("refunds");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Currency).HasMaxLength(3);
            e.Property(r => r.Reason).HasMaxLength(500);
            e.Property(r => r.FailureMessage).HasMaxLength(500);
            e.Property(r => r.ProviderReference).HasMaxLength(100);
            e.HasIndex(r => r.PaymentId);
            e.HasIndex(r => r.CompletedAt);
        });
        model.Entity<PaymentDispute>(e =>
        {
            e.ToTable("disputes");
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).ValueGeneratedNever();
            e.Property(d => d.ProviderReference).HasMaxLength(100);
            e.Property(d => d.Currency).HasMaxLength(3);
            e.Property(d => d.Reason).HasMaxLength(100);
            e.HasIndex(d => d.ProviderReference).IsUnique();
        });
        model.Entity<FraudDecision>(e =>
        {
            e.ToTable("fraud_decisions");
            e.HasKey(d => d.PaymentId);
            e.Property(d => d.Currency).HasMaxLength(3);
            e.Property(d => d.Reasons).HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web),
                v => JsonSerializer.Deserialize<List<FraudReason>>(v, JsonSerializerOptions.Web) ?? new List<FraudReason>(),
                new ValueComparer<List<FraudReason>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
            e.HasIndex(d => new { d.Outcome, d.DecidedAt });
        });
        model.Entity<WebhookReceipt>(e =>
        {
            e.ToTable("webhook_receipts");
            e.HasKey(r => new { r.Provider, r.EventId });
            e.Property(r => r.Provider).HasMaxLength(20);
            e.Property(r => r.EventId).HasMaxLength(100);
            e.Property(r => r.Type).HasMaxLength(100);
        });
        model.Entity<GeneratedSecret>(e =>
        {
            e.ToTable("generated_secrets");
            e.HasKey(s => s.Name);
            e.Property(s => s.Name).HasMaxLength(100);
            e.Property(s => s.Value).HasMaxLength(200);
        });
        model.Entity<SimulatedIntent>(e =>
        {
            e.ToTable("simulated_intents");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasMaxLength(40);
            e.Property(i => i.IdempotencyKey).HasMaxLength(200);
            e.Property(i => i.RequestHash).HasMaxLength(64);
            e.Property(i => i.Currency).HasMaxLength(3);
            e.Property(i => i.PaymentMethod).HasMaxLength(200);
            e.Property(i => i.ReturnUrl).HasMaxLength(2000);
            e.Property(i => i.Status).HasMaxLength(40);
            e.Property(i => i.ErrorCode).HasMaxLength(100);
            e.Property(i => i.DeclineCode).HasMaxLength(100);
            e.Property(i => i.ErrorMessage).HasMaxLength(500);
            e.Property(i => i.Metadata).HasMaxLength(2000);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasIndex(i => i.IdempotencyKey).IsUnique();
        });
        model.Entity<SimulatedRefund>(e =>
        {
            e.ToTable("simulated_refunds");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasMaxLength(40);
            e.Property(r => r.IdempotencyKey).HasMaxLength(200);
            e.Property(r => r.IntentId).HasMaxLength(40);
            e.Property(r => r.Status).HasMaxLength(40);
            e.HasIndex(r => r.IdempotencyKey).IsUnique();
            e.HasIndex(r => r.IntentId);
        });
        model.Entity<SimulatedWebhookDelivery>(e =>
        {
            e.ToTable("simulated_webhooks");
            e.HasKey(d => d.EventId);
            e.Property(d => d.EventId).HasMaxLength(40);
            e.Property(d => d.Type).HasMaxLength(100);
            e.Property(d => d.LastError).HasMaxLength(1000);
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
            // The sender's claim reads the pending ones oldest first and stops at a batch.
            e.HasIndex(d => d.CreatedAt).HasFilter("\"Status\" = 0");
        });

        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

/// <summary>A secret generated once per database (the embedded topology's webhook secret), so a restart keeps it.</summary>
internal sealed class GeneratedSecret
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class SqlitePaymentsDbContext(DbContextOptions<SqlitePaymentsDbContext> options) : PaymentsDbContext(options);

internal sealed class PostgresPaymentsDbContext(DbContextOptions<PostgresPaymentsDbContext> options) : PaymentsDbContext(options);

internal sealed class SqlitePaymentsDbContextFactory : IDesignTimeDbContextFactory<SqlitePaymentsDbContext>
{
    public SqlitePaymentsDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqlitePaymentsDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqlitePaymentsDbContext>(), "Data Source=design.db", PaymentsDbContext.Schema).Options);
}

internal sealed class PostgresPaymentsDbContextFactory : IDesignTimeDbContextFactory<PostgresPaymentsDbContext>
{
    public PostgresPaymentsDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresPaymentsDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresPaymentsDbContext>(), "Host=localhost", PaymentsDbContext.Schema).Options);
}
