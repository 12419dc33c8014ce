using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Tickets;

internal class TicketsDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "tickets";

    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketPerformance> Performances => Set<TicketPerformance>();
    public DbSet<EventTicketing> Events => Set<EventTicketing>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<ScannerDevice> ScannerDevices => Set<ScannerDevice>();
    public DbSet<OfflineCheckIn> OfflineCheckIns => Set<OfflineCheckIn>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Ticket>(e =>
        {
            e.ToTable("tickets");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).ValueGeneratedNever();
            // The final arbiter of "one ticket per admission", whatever the delivery does.
            e.HasIndex(t => t.AdmissionId).IsUnique();
            e.HasIndex(t => t.OrderId);
            e.HasIndex(t => t.HolderId);
            e.HasIndex(t => new { t.EventId, t.Status });
            e.Property(t => t.HolderName).HasMaxLength(200);
            e.Property(t => t.SectionCode).HasMaxLength(40);
            e.Property(t => t.RowLabel).HasMaxLength(20);
            e.Property(t => t.SeatLabel).HasMaxLength(20);
            e.Property(t => t.TierName).HasMaxLength(200);
            e.Property(t => t.Currency).HasMaxLength(3);
            e.Property(t => t.CheckedInGate).HasMaxLength(100);
        });
        model.Entity<TicketPerformance>(e =>
        {
            e.ToTable("performances");
            e.HasKey(p => p.PerformanceId);
            e.Property(p => p.PerformanceId).ValueGeneratedNever();
            e.HasIndex(p => p.EventId);
            e.Property(p => p.EventTitle).HasMaxLength(200);
            e.Property(p => p.VenueName).HasMaxLength(200);
            e.Property(p => p.VenueCity).HasMaxLength(200);
            e.Property(p => p.TimeZone).HasMaxLength(100);
        });
        model.Entity<EventTicketing>(e =>
        {
            e.ToTable("events");
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).ValueGeneratedNever();
            e.Property(x => x.DisplaySecretProtected).HasMaxLength(1000);
        });
        model.Entity<SigningKey>(e =>
        {
            e.ToTable("signing_keys");
            e.HasKey(k => k.KeyId);
            e.Property(k => k.KeyId).ValueGeneratedNever();
            e.HasIndex(k => k.EventId);
            e.Property(k => k.PublicKey).HasMaxLength(64);
            e.Property(k => k.PrivateKeyProtected).HasMaxLength(2000);
        });
        model.Entity<ScannerDevice>(e =>
        {
            e.ToTable("scanner_devices");
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).ValueGeneratedNever();
            e.HasIndex(d => d.ClientId).IsUnique();
            e.HasIndex(d => new { d.EventId, d.IdempotencyKey }).IsUnique();
            e.Property(d => d.Name).HasMaxLength(100);
            e.Property(d => d.ClientId).HasMaxLength(100);
            e.Property(d => d.IdempotencyKey).HasMaxLength(100);
            e.Property(d => d.RequestHash).HasMaxLength(100);
            e.Property(d => d.ReplaySecretProtected).HasMaxLength(1000);
        });
        model.Entity<OfflineCheckIn>(e =>
        {
            e.ToTable("offline_check_ins");
            e.HasKey(c => new { c.Scanner, c.ClientScanId });
            e.Property(c => c.Scanner).HasMaxLength(100);
            e.Property(c => c.ClientScanId).HasMaxLength(100);
            e.Property(c => c.Gate).HasMaxLength(100);
            e.Property(c => c.Outcome).HasMaxLength(40);
            e.Property(c => c.FirstGate).HasMaxLength(100);
            e.Property(c => c.Detail).HasMaxLength(300);
            e.HasIndex(c => c.TicketId);
        });

        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteTicketsDbContext(DbContextOptions<SqliteTicketsDbContext> options) : TicketsDbContext(options);

internal sealed class PostgresTicketsDbContext(DbContextOptions<PostgresTicketsDbContext> options) : TicketsDbContext(options);

internal sealed class SqliteTicketsDbContextFactory : IDesignTimeDbContextFactory<SqliteTicketsDbContext>
{
    public SqliteTicketsDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteTicketsDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteTicketsDbContext>(), "Data Source=design.db", TicketsDbContext.Schema).Options);
}

internal sealed class PostgresTicketsDbContextFactory : IDesignTimeDbContextFactory<PostgresTicketsDbContext>
{
    public PostgresTicketsDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresTicketsDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresTicketsDbContext>(), "Host=localhost", TicketsDbContext.Schema).Options);
}
