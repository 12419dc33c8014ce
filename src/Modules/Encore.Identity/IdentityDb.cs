using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Identity;

internal class IdentityDb(DbContextOptions options)
    : IdentityDbContext<EncoreUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public const string Schema = "identity";

    // Several instances must read each other's auth cookies and antiforgery tokens.
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    // The OIDC server's signing and encryption keys, shared by every instance (Oidc/OidcKeyRing.cs).
    public DbSet<Oidc.OidcKey> OidcKeys => Set<Oidc.OidcKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<EncoreUser>(u =>
        {
            u.Property(x => x.DisplayName).HasMaxLength(100);
        });
        builder.AddOutboxAndInbox();
        // OpenIddict's applications, authorizations, scopes and tokens, keyed like our users.
        builder.UseOpenIddict<Guid>();
        Oidc.OidcKey.Configure(builder);
        builder.UseModuleSchema(Database, Schema);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseSortableInstants(Database);
}

internal sealed class SqliteIdentityDb(DbContextOptions<SqliteIdentityDb> options) : IdentityDb(options);

internal sealed class PostgresIdentityDb(DbContextOptions<PostgresIdentityDb> options) : IdentityDb(options);

internal sealed class SqliteIdentityDbFactory : IDesignTimeDbContextFactory<SqliteIdentityDb>
{
    public SqliteIdentityDb CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteIdentityDb>)ModuleDbContexts.ConfigureSqlite(new DbContextOptionsBuilder<SqliteIdentityDb>(), "Data Source=design.db", IdentityDb.Schema).Options);
}

internal sealed class PostgresIdentityDbFactory : IDesignTimeDbContextFactory<PostgresIdentityDb>
{
    public PostgresIdentityDb CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresIdentityDb>)ModuleDbContexts.ConfigurePostgres(new DbContextOptionsBuilder<PostgresIdentityDb>(), "Host=localhost", IdentityDb.Schema).Options);
}
