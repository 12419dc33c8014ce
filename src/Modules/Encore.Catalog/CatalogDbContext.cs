using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Catalog.Events;
using Encore.Catalog.Http;
using Encore.Catalog.Organizers;
using Encore.Catalog.Venues;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Catalog;

internal class CatalogDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "catalog";

    public DbSet<Organizer> Organizers => Set<Organizer>();
    public DbSet<OrganizerMember> OrganizerMembers => Set<OrganizerMember>();
    public DbSet<Venue> Venues => Set<Venue>();
    public DbSet<Section> Sections => Set<Section>();
    public DbSet<Row> Rows => Set<Row>();
    public DbSet<Seat> Seats => Set<Seat>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<Performance> Performances => Set<Performance>();
    public DbSet<TicketTier> TicketTiers => Set<TicketTier>();
    public DbSet<OnSaleWindow> OnSaleWindows => Set<OnSaleWindow>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Organizer>(e =>
        {
            e.ToTable("organizers");
            e.Property(o => o.Id).ValueGeneratedNever();
            e.Property(o => o.Name).HasMaxLength(200);
            e.Property(o => o.Slug).HasMaxLength(120);
            e.HasIndex(o => o.Slug).IsUnique();
        });
        model.Entity<OrganizerMember>(e =>
        {
            e.ToTable("organizer_members");
            e.HasKey(m => new { m.OrganizerId, m.UserId });
            e.HasIndex(m => m.UserId);
            e.HasOne<Organizer>().WithMany().HasForeignKey(m => m.OrganizerId);
        });

        model.Entity<Venue>(e =>
        {
            e.ToTable("venues");
            e.Property(v => v.Id).ValueGeneratedNever();
            e.Property(v => v.Name).HasMaxLength(SeatMapLimits.NameMax);
            e.Property(v => v.Address).HasMaxLength(SeatMapLimits.AddressMax);
            e.Property(v => v.City).HasMaxLength(SeatMapLimits.CityMax);
            e.Property(v => v.CountryCode).HasMaxLength(2);
            e.Property(v => v.Region).HasMaxLength(SeatMapLimits.RegionMax);
            e.Property(v => v.TimeZone).HasMaxLength(64);
            e.HasIndex(v => v.OrganizerId);
            e.HasOne<Organizer>().WithMany().HasForeignKey(v => v.OrganizerId);
            e.HasMany(v => v.Sections).WithOne().HasForeignKey(s => s.VenueId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Section>(e =>
        {
            e.ToTable("sections");
            e.Property(s => s.Id).ValueGeneratedNever();
            e.Property(s => s.Code).HasMaxLength(SeatMapLimits.CodeMax);
            e.Property(s => s.Name).HasMaxLength(SeatMapLimits.NameMax);
            e.Property(s => s.PriceZone).HasMaxLength(SeatMapLimits.CodeMax);
            e.HasIndex(s => new { s.VenueId, s.Code }).IsUnique();
            e.HasMany(s => s.Rows).WithOne().HasForeignKey(r => r.SectionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Row>(e =>
        {
            e.ToTable("rows");
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Label).HasMaxLength(SeatMapLimits.LabelMax);
            e.HasIndex(r => new { r.SectionId, r.Label }).IsUnique();
            e.HasMany(r => r.Seats).WithOne().HasForeignKey(s => s.RowId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Seat>(e =>
        {
            e.ToTable("seats");
            e.Property(s => s.Id).ValueGeneratedNever();
            e.Property(s => s.Label).HasMaxLength(SeatMapLimits.LabelMax);
            e.HasIndex(s => new { s.RowId, s.Label }).IsUnique();
        });

        model.Entity<Event>(e =>
        {
            e.ToTable("events");
            e.Property(v => v.Id).ValueGeneratedNever();
            e.Property(v => v.Title).HasMaxLength(Event.TitleMax);
            e.Property(v => v.Slug).HasMaxLength(120);
            e.Property(v => v.Description).HasMaxLength(Event.DescriptionMax);
            e.Property(v => v.Genre).HasMaxLength(40);
            e.Property(v => v.ImageUrl).HasMaxLength(500);
            e.Property(v => v.CancellationReason).HasMaxLength(1000);
            e.Property(v => v.Version).IsConcurrencyToken();
            e.HasIndex(v => v.Slug).IsUnique();
            e.HasIndex(v => new { v.Status, v.Genre });
            e.HasIndex(v => v.OrganizerId);
            e.HasOne<Organizer>().WithMany().HasForeignKey(v => v.OrganizerId);
            e.HasOne<Venue>().WithMany().HasForeignKey(v => v.VenueId);
            e.HasMany(v => v.Performances).WithOne().HasForeignKey(p => p.EventId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(v => v.Tiers).WithOne().HasForeignKey(t => t.EventId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(v => v.Windows).WithOne().HasForeignKey(w => w.EventId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(v => v.Performances).HasField("performances").UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Navigation(v => v.Tiers).HasField("tiers").UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Navigation(v => v.Windows).HasField("windows").UsePropertyAccessMode(PropertyAccessMode.Field);
        });
        model.Entity<Performance>(e =>
        {
            e.ToTable("performances");
            e.Property(p => p.Id).ValueGeneratedNever();
            e.Property(p => p.TimeZone).HasMaxLength(64);
            e.HasIndex(p => p.StartsAtUtc);
            if (Database.IsNpgsql())
            {
                // Wall-clock times in the venue's zone: deliberately without a zone of their own.
                e.Property(p => p.StartsAtLocal).HasColumnType("timestamp without time zone");
                e.Property(p => p.DoorsAtLocal).HasColumnType("timestamp without time zone");
            }
        });
        model.Entity<TicketTier>(e =>
        {
            e.ToTable("ticket_tiers");
            e.Property(t => t.Id).ValueGeneratedNever();
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.Currency).HasMaxLength(3);
            e.Property(t => t.SectionCodes).HasMaxLength(2000);
            e.Property(t => t.PriceZone).HasMaxLength(SeatMapLimits.CodeMax);
            e.Ignore(t => t.Price);
            e.Ignore(t => t.Sections);
        });
        model.Entity<OnSaleWindow>(e =>
        {
            e.ToTable("on_sale_windows");
            e.Property(w => w.Id).ValueGeneratedNever();
            e.Property(w => w.Name).HasMaxLength(100);
            e.Property(w => w.AccessCodeHash).HasMaxLength(32);
            e.Ignore(w => w.HasAccessCode);
        });

        model.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(r => new { r.UserId, r.Key });
            e.Property(r => r.Key).HasMaxLength(IdempotentCreate.KeyMax);
            e.Property(r => r.Endpoint).HasMaxLength(300);
            e.Property(r => r.RequestHash).HasMaxLength(64);
            e.Property(r => r.Location).HasMaxLength(500);
            e.HasIndex(r => r.CreatedAt);
        });

        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteCatalogDbContext(DbContextOptions<SqliteCatalogDbContext> options) : CatalogDbContext(options);

internal sealed class PostgresCatalogDbContext(DbContextOptions<PostgresCatalogDbContext> options) : CatalogDbContext(options);

internal sealed class SqliteCatalogDbContextFactory : IDesignTimeDbContextFactory<SqliteCatalogDbContext>
{
    public SqliteCatalogDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteCatalogDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteCatalogDbContext>(), "Data Source=design.db", CatalogDbContext.Schema).Options);
}

internal sealed class PostgresCatalogDbContextFactory : IDesignTimeDbContextFactory<PostgresCatalogDbContext>
{
    public PostgresCatalogDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresCatalogDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresCatalogDbContext>(), "Host=localhost", CatalogDbContext.Schema).Options);
}
