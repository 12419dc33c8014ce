using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Encore.BuildingBlocks.Persistence;

public enum StorageProvider { Sqlite, Postgres }

/// <summary>The <c>Encore</c> configuration section's storage choice: configuration alone picks the topology.</summary>
public sealed record StorageOptions(StorageProvider Provider, string ConnectionString, string? RedisConnectionString)
{
    public bool IsPostgres => Provider == StorageProvider.Postgres;

    public static StorageOptions From(IConfiguration configuration)
    {
        var raw = configuration["Encore:Storage"] ?? "Sqlite";
        if (!Enum.TryParse<StorageProvider>(raw, ignoreCase: true, out var provider))
            throw new InvalidOperationException($"Encore:Storage must be Sqlite or Postgres, not '{raw}'.");

        var redis = configuration.GetConnectionString("Redis");
        if (provider == StorageProvider.Postgres)
        {
            var pg = configuration.GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(pg))
                throw new InvalidOperationException("Encore:Storage=Postgres needs ConnectionStrings:Postgres.");
            return new(provider, WithAutoPrepare(pg), string.IsNullOrWhiteSpace(redis) ? null : redis);
        }

        var sqlite = configuration.GetConnectionString("Sqlite");
        if (string.IsNullOrWhiteSpace(sqlite))
        {
            Directory.CreateDirectory("data");
            sqlite = "Data Source=data/encore.db";
        }
        return new(provider, sqlite, string.IsNullOrWhiteSpace(redis) ? null : redis);
    }

    /// <summary>
    /// Statements the app repeats are prepared on each pooled connection once they are used twice, so
    /// PostgreSQL stops parsing and planning them on every call: a duplicate scan spent more than half of
    /// its database CPU there, and pgbench, our yardstick, runs prepared too (docs/decisions.md). A
    /// connection string that sets either keyword keeps its own value.
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) builder.MaxAutoPrepare = 256;
        if (!given.ContainsKey("Auto Prepare Min Usages") && !given.ContainsKey("AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }
}
