using Microsoft.Extensions.Configuration;

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
            return new(provider, pg, string.IsNullOrWhiteSpace(redis) ? null : redis);
        }

        var sqlite = configuration.GetConnectionString("Sqlite");
        if (string.IsNullOrWhiteSpace(sqlite))
        {
            Directory.CreateDirectory("data");
            sqlite = "Data Source=data/encore.db";
        }
        return new(provider, sqlite, string.IsNullOrWhiteSpace(redis) ? null : redis);
    }
}
