using Encore.BuildingBlocks.Http;
using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Orders;

internal class OrdersDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "orders";

    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderAdmission> Admissions => Set<OrderAdmission>();
    public DbSet<OrderTransition> Transitions => Set<OrderTransition>();
    public DbSet<SoldSeat> SoldSeats => Set<SoldSeat>();
    public DbSet<SoldStanding> SoldStanding => Set<SoldStanding>();
    public DbSet<EventSalesSettings> SalesSettings => Set<EventSalesSettings>();
    public DbSet<Refund> Refunds => Set<Refund>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Order>(e =>
        {
            e.ToTable("orders");
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).ValueGeneratedNever();
            e.Property(o => o.BuyerEmail).HasMaxLength(320);
            e.Property(o => o.BuyerName).HasMaxLength(200);
            e.Property(o => o.EventTitle).HasMaxLength(300);
            e.Property(o => o.EventSlug).HasMaxLength(200);
            e.Property(o => o.EventCountry).HasMaxLength(2);
            e.Property(o => o.Currency).HasMaxLength(3);
            e.Property(o => o.DeliveryTaxJurisdiction).HasMaxLength(20);
            e.Property(o => o.TaxLabel).HasMaxLength(60);
            e.Property(o => o.TaxName).HasMaxLength(40);
            e.Property(o => o.NextActionUrl).HasMaxLength(1000);
            e.Property(o => o.FailureMessage).HasMaxLength(500);
            e.Property(o => o.InvoiceNumber).HasMaxLength(40);
            e.Property(o => o.Version).IsConcurrencyToken();
            // One order per hold: a second create for the same hold loses here, whatever the instance.
            e.HasIndex(o => o.HoldId).IsUnique();
            e.HasIndex(o => o.PaymentId);
            e.HasIndex(o => new { o.BuyerId, o.CreatedAt });
            e.HasIndex(o => new { o.EventId, o.Status });
            e.HasIndex(o => new { o.Status, o.PayBy });
            e.HasMany(o => o.Admissions).WithOne().HasForeignKey(a => a.OrderId);
        });
        model.Entity<OrderAdmission>(e =>
        {
            e.ToTable("order_admissions");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.SectionCode).HasMaxLength(50);
            e.Property(a => a.SectionName).HasMaxLength(200);
            e.Property(a => a.RowLabel).HasMaxLength(20);
            e.Property(a => a.SeatLabel).HasMaxLength(20);
            e.Property(a => a.TierName).HasMaxLength(200);
            e.Property(a => a.TaxJurisdiction).HasMaxLength(20);
        });
        model.Entity<OrderTransition>(e =>
        {
            e.ToTable("order_transitions");
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).ValueGeneratedNever();
            e.Property(t => t.Actor).HasMaxLength(100);
            e.Property(t => t.Reason).HasMaxLength(300);
            e.HasIndex(t => new { t.OrderId, t.At });
        });
        model.Entity<SoldSeat>(e =>
        {
            e.ToTable("sold_seats");
            // The final arbiter of invariant 1: a seat of a performance is sold at most once.
            e.HasKey(s => new { s.PerformanceId, s.SeatId });
            e.HasIndex(s => s.OrderId);
        });
        model.Entity<SoldStanding>(e =>
        {
            e.ToTable("sold_standing", t => t.HasCheckConstraint("ck_sold_standing_capacity", "\"Sold\" >= 0 AND \"Sold\" <= \"Capacity\""));
            e.HasKey(s => new { s.PerformanceId, s.SectionCode });
            e.Property(s => s.SectionCode).HasMaxLength(50);
        });
        model.Entity<EventSalesSettings>(e =>
        {
            e.ToTable("event_sales_settings");
            e.HasKey(s => s.EventId);
            e.Property(s => s.EventId).ValueGeneratedNever();
        });
        model.Entity<Refund>(e =>
        {
            e.ToTable("refunds");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.AdmissionIds).HasMaxLength(4000);
            e.Property(r => r.TaxByJurisdiction).HasMaxLength(1000);
            e.Property(r => r.Reason).HasMaxLength(300);
            e.Property(r => r.RequestedBy).HasMaxLength(100);
            e.Property(r => r.FailureMessage).HasMaxLength(500);
            e.HasIndex(r => r.OrderId);
        });

        model.AddIdempotencyRecords();
        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteOrdersDbContext(DbContextOptions<SqliteOrdersDbContext> options) : OrdersDbContext(options);

internal sealed class PostgresOrdersDbContext(DbContextOptions<PostgresOrdersDbContext> options) : OrdersDbContext(options);

internal sealed class SqliteOrdersDbContextFactory : IDesignTimeDbContextFactory<SqliteOrdersDbContext>
{
    public SqliteOrdersDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteOrdersDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteOrdersDbContext>(), "Data Source=design.db", OrdersDbContext.Schema).Options);
}

internal sealed class PostgresOrdersDbContextFactory : IDesignTimeDbContextFactory<PostgresOrdersDbContext>
{
    public PostgresOrdersDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresOrdersDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresOrdersDbContext>(), "Host=localhost", OrdersDbContext.Schema).Options);
}
