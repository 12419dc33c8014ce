using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Tax.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Tax;

internal class TaxDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "tax";

    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceSequence> Sequences => Set<InvoiceSequence>();

    /// <summary>The sequence table as raw SQL names it (Invoices/InvoiceIssuer.cs increments it in SQL).</summary>
    public string SequenceTable => Database.IsNpgsql() ? "tax.invoice_sequences" : "tax_invoice_sequences";

    /// <summary>The invoice table as raw SQL names it (Invoices/InvoiceIssuer.cs reads a number in SQL on PostgreSQL).</summary>
    public string InvoiceTable => Database.IsNpgsql() ? "tax.invoices" : "tax_invoices";

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Invoice>(e =>
        {
            e.ToTable("invoices");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).ValueGeneratedNever();
            e.Property(i => i.Number).HasMaxLength(40);
            e.Property(i => i.SourceReference).HasMaxLength(100);
            e.Property(i => i.RequestHash).HasMaxLength(64);
            e.Property(i => i.Currency).HasMaxLength(3);
            e.HasIndex(i => new { i.SellerId, i.Sequence }).IsUnique();
            e.HasIndex(i => new { i.SellerId, i.SourceReference }).IsUnique();
        });
        model.Entity<InvoiceSequence>(e =>
        {
            e.ToTable("invoice_sequences");
            e.HasKey(s => s.SellerId);
            e.Property(s => s.SellerId).HasColumnName("seller_id");
            e.Property(s => s.LastNumber).HasColumnName("last_number");
        });

        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteTaxDbContext(DbContextOptions<SqliteTaxDbContext> options) : TaxDbContext(options);

internal sealed class PostgresTaxDbContext(DbContextOptions<PostgresTaxDbContext> options) : TaxDbContext(options);

internal sealed class SqliteTaxDbContextFactory : IDesignTimeDbContextFactory<SqliteTaxDbContext>
{
    public SqliteTaxDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteTaxDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteTaxDbContext>(), "Data Source=design.db", TaxDbContext.Schema).Options);
}

internal sealed class PostgresTaxDbContextFactory : IDesignTimeDbContextFactory<PostgresTaxDbContext>
{
    public PostgresTaxDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresTaxDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresTaxDbContext>(), "Host=localhost", TaxDbContext.Schema).Options);
}
