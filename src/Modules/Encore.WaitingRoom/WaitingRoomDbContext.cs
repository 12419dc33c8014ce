using Encore.BuildingBlocks.Persistence;
using Encore.WaitingRoom.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.WaitingRoom;

/// <summary>How admission works for one event's on-sale; the queue itself lives in the queue store.</summary>
internal sealed class QueueSettings
{
    public Guid EventId { get; init; }
    public Guid OrganizerId { get; init; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset PreQueueOpensAt { get; set; }
    public QueueMode Mode { get; set; }
    /// <summary>Pace mode: how many shoppers are let in per minute.</summary>
    public int? AdmitPerMinute { get; set; }
    /// <summary>Capacity mode: how many may shop at once.</summary>
    public int? MaxActive { get; set; }
    public int TokenMinutes { get; set; }
    public int MaxQueueSize { get; set; }
    public int CheckInSeconds { get; set; }
    /// <summary>No joins after this; those still waiting see the queue closed. Null: open until the organizer closes it.</summary>
    public DateTimeOffset? ClosesAt { get; set; }
    /// <summary>The draw's secret, drawn at creation; its SHA-256 is published when the pre-queue opens, the seed itself at the start.</summary>
    public byte[] Seed { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public QueueRules Rules() => new(
        StartsAt.ToUnixTimeMilliseconds(), PreQueueOpensAt.ToUnixTimeMilliseconds(), Mode, AdmitPerMinute ?? 0, MaxActive ?? 0,
        TokenMinutes * 60_000L, MaxQueueSize, CheckInSeconds * 1000L);
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<QueueMode>))]
internal enum QueueMode
{
    /// <summary>A fixed number of shoppers per minute.</summary>
    Pace,
    /// <summary>As many as may shop at once; a finished or abandoned checkout lets the next one in.</summary>
    Capacity,
}

/// <summary>An ES256 key that signs admission tokens; every instance reads the same ones.</summary>
internal sealed class AdmissionKey
{
    public Guid Id { get; init; }
    /// <summary>The rotation period this key signs in (whole periods since the Unix epoch); unique, so instances racing to create it agree on one.</summary>
    public long Period { get; init; }
    /// <summary>PKCS#8 private key, protected with ASP.NET Core Data Protection.</summary>
    public string ProtectedPrivateKey { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset RetiresAt { get; init; }
}

internal class WaitingRoomDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "waitingroom";

    public DbSet<QueueSettings> Queues => Set<QueueSettings>();
    public DbSet<AdmissionKey> Keys => Set<AdmissionKey>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<QueueSettings>(e =>
        {
            e.ToTable("queues");
            e.HasKey(q => q.EventId);
            e.Property(q => q.Mode).HasConversion<string>().HasMaxLength(16);
            e.Property(q => q.Seed).HasMaxLength(32);
            e.HasIndex(q => q.StartsAt);
        });
        model.Entity<AdmissionKey>(e =>
        {
            e.ToTable("admission_keys");
            e.HasIndex(k => k.Period).IsUnique();
        });
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteWaitingRoomDbContext(DbContextOptions<SqliteWaitingRoomDbContext> options) : WaitingRoomDbContext(options);

internal sealed class PostgresWaitingRoomDbContext(DbContextOptions<PostgresWaitingRoomDbContext> options) : WaitingRoomDbContext(options);

internal sealed class SqliteWaitingRoomDbContextFactory : IDesignTimeDbContextFactory<SqliteWaitingRoomDbContext>
{
    public SqliteWaitingRoomDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteWaitingRoomDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteWaitingRoomDbContext>(), "Data Source=design.db", WaitingRoomDbContext.Schema).Options);
}

internal sealed class PostgresWaitingRoomDbContextFactory : IDesignTimeDbContextFactory<PostgresWaitingRoomDbContext>
{
    public PostgresWaitingRoomDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresWaitingRoomDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresWaitingRoomDbContext>(), "Host=localhost", WaitingRoomDbContext.Schema).Options);
}
