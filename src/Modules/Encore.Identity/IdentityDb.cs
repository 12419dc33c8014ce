using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Identity.Sessions;
using Encore.Identity.Mfa;
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

    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<KnownDevice> KnownDevices => Set<KnownDevice>();
    public DbSet<KnownCountry> KnownCountries => Set<KnownCountry>();
    // The OIDC server's signing and encryption keys, shared by every instance (Oidc/OidcKeyRing.cs).
    public DbSet<Oidc.OidcKey> OidcKeys => Set<Oidc.OidcKey>();
    internal DbSet<AuthenticatorStep> AuthenticatorSteps => Set<AuthenticatorStep>();
    // Shadow bans and the secrets instances share (Risk/).
    internal DbSet<Risk.AccountFlag> AccountFlags => Set<Risk.AccountFlag>();
    internal DbSet<Risk.SharedSecret> SharedSecrets => Set<Risk.SharedSecret>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<EncoreUser>(u =>
        {
            u.Property(x => x.DisplayName).HasMaxLength(100);
        });
        builder.Entity<UserSession>(s =>
        {
            s.HasKey(x => x.Id);
            s.HasIndex(x => new { x.UserId, x.LastSeenAt });
            s.HasOne<EncoreUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            s.Property(x => x.UserAgent).HasMaxLength(512);
            s.Property(x => x.Country).HasMaxLength(2);
            s.Property(x => x.DeviceSignalHash).HasMaxLength(64);
            s.Property(x => x.StepUpCodeHash).HasMaxLength(64);
            s.Property(x => x.StepUp).HasConversion<string>().HasMaxLength(20);
        });
        builder.Entity<KnownDevice>(d =>
        {
            d.HasKey(x => new { x.UserId, x.DeviceId });
            d.HasOne<EncoreUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            d.Property(x => x.UserAgent).HasMaxLength(512);
        });
        builder.Entity<KnownCountry>(c =>
        {
            c.HasKey(x => new { x.UserId, x.Country });
            c.HasOne<EncoreUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            c.Property(x => x.Country).HasMaxLength(2);
        });
        builder.Entity<AuthenticatorStep>(s =>
        {
            s.ToTable("AuthenticatorSteps");
            s.HasKey(x => x.UserId);
            s.HasOne<EncoreUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        Risk.AccountFlag.Configure(builder);
        Risk.SharedSecret.Configure(builder);
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
        new((DbContextOptions<SqliteIdentityDb>)ModuleDbContexts.ConfigureSqlite(DesignTimeIdentity.Options<SqliteIdentityDb>(), "Data Source=design.db", IdentityDb.Schema).Options);
}

internal sealed class PostgresIdentityDbFactory : IDesignTimeDbContextFactory<PostgresIdentityDb>
{
    public PostgresIdentityDb CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresIdentityDb>)ModuleDbContexts.ConfigurePostgres(DesignTimeIdentity.Options<PostgresIdentityDb>(), "Host=localhost", IdentityDb.Schema).Options);
}

/// <summary>
/// Identity builds its tables from the IdentityOptions it finds among the application's services
/// (schema version 3 brings passkeys). Migrations are made without the application, so they get
/// the same options here, or the model they see would lack the passkeys table.
/// </summary>
internal static class DesignTimeIdentity
{
    public static DbContextOptionsBuilder<T> Options<T>() where T : DbContext
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.Configure<IdentityOptions>(services, IdentityModule.ConfigureStores);
        return new DbContextOptionsBuilder<T>().UseApplicationServiceProvider(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services));
    }
}
