using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Catalog;

internal class CatalogDbContext(DbContextOptions options) : DbContext(options)
{
    public const string Schema = "catalog";

    protected override void OnModelCreating(ModelBuilder model)
    {
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
