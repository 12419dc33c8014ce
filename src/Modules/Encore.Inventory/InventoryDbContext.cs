using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Inventory.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Inventory;

internal class InventoryDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "inventory";

    public DbSet<PerformanceInventory> Performances => Set<PerformanceInventory>();
    public DbSet<InventorySeat> Seats => Set<InventorySeat>();
    public DbSet<InventoryStanding> Standing => Set<InventoryStanding>();
    public DbSet<InventoryWindow> Windows => Set<InventoryWindow>();
    public DbSet<EventHoldSettings> EventSettings => Set<EventHoldSettings>();
    public DbSet<LockPerformance> LockPerformances => Set<LockPerformance>();
    public DbSet<LockHold> LockHolds => Set<LockHold>();
    public DbSet<SoldPlace> SoldPlaces => Set<SoldPlace>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<PerformanceInventory>(e =>
        {
            e.ToTable("performances");
            e.HasKey(p => p.PerformanceId);
            e.Property(p => p.Currency).HasMaxLength(3);
            e.HasIndex(p => p.EventId);
            e.HasMany(p => p.Seats).WithOne().HasForeignKey(s => s.PerformanceId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(p => p.Standing).WithOne().HasForeignKey(s => s.PerformanceId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(p => p.Windows).WithOne().HasForeignKey(s => s.PerformanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<InventorySeat>(e =>
        {
            e.ToTable("seats");
            e.HasKey(s => new { s.PerformanceId, s.SeatId });
            e.Property(s => s.SectionCode).HasMaxLength(40);
            e.Property(s => s.RowLabel).HasMaxLength(40);
            e.Property(s => s.Label).HasMaxLength(40);
        });
        model.Entity<InventoryStanding>(e =>
        {
            e.ToTable("standing");
            e.HasKey(s => new { s.PerformanceId, s.SectionCode });
            e.Property(s => s.SectionCode).HasMaxLength(40);
            e.Property(s => s.Name).HasMaxLength(200);
        });
        model.Entity<InventoryWindow>(e =>
        {
            e.ToTable("sale_windows");
            e.Property(w => w.Id).ValueGeneratedNever();
        });
        model.Entity<EventHoldSettings>(e =>
        {
            e.ToTable("event_settings");
            e.HasKey(s => s.EventId);
        });

        // The advisory-lock hold store (PostgreSQL only; empty unless Encore:Inventory:HoldStore=AdvisoryLock).
        model.Entity<LockPerformance>(e =>
        {
            e.ToTable("lock_performances");
            e.HasKey(p => p.PerformanceId);
        });
        model.Entity<LockHold>(e =>
        {
            e.ToTable("lock_holds");
            e.HasKey(h => h.HoldId);
            e.Property(h => h.Section).HasMaxLength(40);
            e.HasIndex(h => new { h.PerformanceId, h.ExpiresAt });
            e.HasIndex(h => new { h.PerformanceId, h.BuyerId });
        });
        model.Entity<LockHoldSeat>(e =>
        {
            e.ToTable("lock_hold_seats");
            // One live claim per seat: the database refuses a second holder whatever the code does.
            e.HasKey(s => new { s.PerformanceId, s.SeatId });
            e.HasIndex(s => s.HoldId);
            e.HasOne<LockHold>().WithMany().HasForeignKey(s => s.HoldId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<LockPoolSeat>(e =>
        {
            e.ToTable("lock_pool_seats");
            e.HasKey(s => new { s.PerformanceId, s.SeatId });
        });
        model.Entity<LockSoldSeat>(e =>
        {
            e.ToTable("lock_sold_seats");
            e.HasKey(s => new { s.PerformanceId, s.SeatId });
        });
        model.Entity<LockSoldStanding>(e =>
        {
            e.ToTable("lock_sold_standing");
            e.HasKey(s => new { s.PerformanceId, s.Section });
            e.Property(s => s.Section).HasMaxLength(40);
        });
        model.Entity<LockSoldBuyer>(e =>
        {
            e.ToTable("lock_sold_buyers");
            e.HasKey(s => new { s.PerformanceId, s.BuyerId });
        });
        model.Entity<SoldPlace>(e =>
        {
            e.ToTable("sold_places");
            e.HasKey(s => s.AdmissionId);
            e.Property(s => s.AdmissionId).ValueGeneratedNever();
            e.Property(s => s.SectionCode).HasMaxLength(40);
            e.HasIndex(s => new { s.PerformanceId, s.SeatId });
            e.HasIndex(s => new { s.PerformanceId, s.SectionCode });
            e.HasIndex(s => new { s.PerformanceId, s.BuyerId });
            // OrderPaid looks up its own order's rows: without this, a scan of every place the
            // performance sold, which made each sale slower than the one before.
            e.HasIndex(s => s.OrderId);
        });
        model.Entity<LockExpiredHold>(e =>
        {
            e.ToTable("lock_expired_holds");
            e.HasKey(x => x.Id);
            e.Property(x => x.Section).HasMaxLength(40);
            e.HasIndex(x => x.PerformanceId);
        });
        model.Entity<LockHoldKey>(e =>
        {
            e.ToTable("lock_hold_keys");
            e.HasKey(k => new { k.PerformanceId, k.BuyerId, k.Key });
            e.Property(k => k.Key).HasMaxLength(100);
            e.Property(k => k.RequestHash).HasMaxLength(100);
        });

        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteInventoryDbContext(DbContextOptions<SqliteInventoryDbContext> options) : InventoryDbContext(options);

internal sealed class PostgresInventoryDbContext(DbContextOptions<PostgresInventoryDbContext> options) : InventoryDbContext(options);

internal sealed class SqliteInventoryDbContextFactory : IDesignTimeDbContextFactory<SqliteInventoryDbContext>
{
    public SqliteInventoryDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteInventoryDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteInventoryDbContext>(), "Data Source=design.db", InventoryDbContext.Schema).Options);
}

internal sealed class PostgresInventoryDbContextFactory : IDesignTimeDbContextFactory<PostgresInventoryDbContext>
{
    public PostgresInventoryDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresInventoryDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresInventoryDbContext>(), "Host=localhost", InventoryDbContext.Schema).Options);
}
