using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Ledger.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Ledger;

internal class LedgerDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "ledger";

    public DbSet<JournalTransaction> Transactions => Set<JournalTransaction>();
    public DbSet<JournalEntry> Entries => Set<JournalEntry>();
    public DbSet<MoneyEventReceipt> Receipts => Set<MoneyEventReceipt>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        // Column names are fixed (snake case) because the database's own rules (Journal/LedgerRules.cs) name them in SQL.
        model.Entity<JournalTransaction>(e =>
        {
            e.ToTable("journal_transactions", t => t.HasCheckConstraint("ck_journal_transactions_entry_count", "entry_count >= 2"));
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(t => t.SourceKind).HasColumnName("source_kind").HasMaxLength(40);
            e.Property(t => t.SourceId).HasColumnName("source_id");
            e.Property(t => t.OrderId).HasColumnName("order_id");
            e.Property(t => t.OrganizerId).HasColumnName("organizer_id");
            e.Property(t => t.Description).HasColumnName("description").HasMaxLength(200);
            e.Property(t => t.OccurredAt).HasColumnName("occurred_at");
            e.Property(t => t.PostedAt).HasColumnName("posted_at");
            e.Property(t => t.EntryCount).HasColumnName("entry_count");
            e.HasIndex(t => new { t.SourceKind, t.SourceId }).IsUnique();
            e.HasIndex(t => t.OrderId);
            e.HasIndex(t => t.OccurredAt);
            e.HasMany(t => t.Entries).WithOne().HasForeignKey(x => x.TransactionId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<JournalEntry>(e =>
        {
            e.ToTable("journal_entries");
            e.HasKey(x => new { x.TransactionId, x.Line });
            e.Property(x => x.TransactionId).HasColumnName("transaction_id");
            e.Property(x => x.Line).HasColumnName("line");
            e.Property(x => x.Account).HasColumnName("account").HasMaxLength(120);
            e.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
            e.Property(x => x.Amount).HasColumnName("amount");
            e.HasIndex(x => new { x.Account, x.Currency });
        });
        model.Entity<MoneyEventReceipt>(e =>
        {
            e.ToTable("money_event_receipts");
            e.HasKey(r => r.MessageId);
            e.Property(r => r.SourceKind).HasMaxLength(40);
            e.HasIndex(r => new { r.SourceKind, r.SourceId });
        });

        model.AddOutboxAndInbox();
        model.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteLedgerDbContext(DbContextOptions<SqliteLedgerDbContext> options) : LedgerDbContext(options);

internal sealed class PostgresLedgerDbContext(DbContextOptions<PostgresLedgerDbContext> options) : LedgerDbContext(options);

internal sealed class SqliteLedgerDbContextFactory : IDesignTimeDbContextFactory<SqliteLedgerDbContext>
{
    public SqliteLedgerDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteLedgerDbContext>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteLedgerDbContext>(), "Data Source=design.db", LedgerDbContext.Schema).Options);
}

internal sealed class PostgresLedgerDbContextFactory : IDesignTimeDbContextFactory<PostgresLedgerDbContext>
{
    public PostgresLedgerDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresLedgerDbContext>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresLedgerDbContext>(), "Host=localhost", LedgerDbContext.Schema).Options);
}
