using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Encore.BuildingBlocks.Persistence;

/// <summary>
/// Registers a module's DbContext on the configured provider. Each module has one context type
/// that handlers use and two thin subclasses, one per provider, that carry that provider's
/// migrations; both providers' migrations live in the module that owns the tables.
/// </summary>
public static class ModuleDbContexts
{
    public static IServiceCollection AddModuleDbContext<TContext, TSqlite, TPostgres>(
        this IServiceCollection services, IConfiguration configuration, string schema)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        var storage = StorageOptions.From(configuration);
        // Pooled: a context's internal services are set up once and reset between requests, where a new
        // context per request paid that set-up every time (7 % of a hold's CPU in the benchmark's profile).
        // Contexts therefore keep no state of their own beyond what EF resets (docs/decisions.md).
        if (storage.IsPostgres)
            services.AddDbContextPool<TContext, TPostgres>(o => ConfigurePostgres(o, storage.ConnectionString, schema));
        else
            services.AddDbContextPool<TContext, TSqlite>(o => ConfigureSqlite(o, storage.ConnectionString, schema));

        services.AddSingleton(new ModuleDatabase(schema, typeof(TContext)));
        return services;
    }

    public static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder options, string connectionString, string schema) =>
        QuietExpectedFailures(options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__migrations", schema)));

    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder options, string connectionString, string schema) =>
        QuietExpectedFailures(options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable($"{schema}___migrations")));

    /// <summary>
    /// A failed command or save is logged at Information, not Error. Most are races the code expects
    /// and answers (two instances creating the same period's key, two requests with one idempotency
    /// key, a seat sold at the same moment), and at Error each would page an operator who alerts on
    /// errors, for a sale going well. One nobody handles still reaches the Error log, with
    /// its database message, as the request's unhandled exception or the worker's failure.
    /// </summary>
    static DbContextOptionsBuilder QuietExpectedFailures(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log(
            (RelationalEventId.CommandError, LogLevel.Information),
            (CoreEventId.SaveChangesFailed, LogLevel.Information)));
}

/// <summary>One module's database, in the order modules were added; migrated at start-up.</summary>
public sealed record ModuleDatabase(string Schema, Type ContextType);
