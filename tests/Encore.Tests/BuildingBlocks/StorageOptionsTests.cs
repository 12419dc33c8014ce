using Encore.BuildingBlocks.Persistence;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Encore.Tests.BuildingBlocks;

public sealed class StorageOptionsTests
{
    static StorageOptions From(params (string Key, string? Value)[] settings) =>
        StorageOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void The_embedded_default_is_a_sqlite_file_under_data()
    {
        var storage = From();

        Assert.Equal(StorageProvider.Sqlite, storage.Provider);
        Assert.False(storage.IsPostgres);
        Assert.Equal("Data Source=data/encore.db", storage.ConnectionString);
        Assert.Null(storage.RedisConnectionString);
    }

    [Fact]
    public void A_configured_sqlite_connection_string_is_used_as_given()
    {
        var storage = From(("Encore:Storage", "Sqlite"), ("ConnectionStrings:Sqlite", "Data Source=/tmp/x.db"));

        Assert.Equal("Data Source=/tmp/x.db", storage.ConnectionString);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("postgres")]
    [InlineData("POSTGRES")]
    public void Postgres_is_chosen_by_configuration_alone(string value)
    {
        var storage = From(("Encore:Storage", value), ("ConnectionStrings:Postgres", "Host=db;Database=encore"), ("ConnectionStrings:Redis", "redis:6379"));

        Assert.Equal(StorageProvider.Postgres, storage.Provider);
        Assert.True(storage.IsPostgres);
        var connection = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        Assert.Equal(("db", "encore"), (connection.Host, connection.Database));
        Assert.Equal("redis:6379", storage.RedisConnectionString);
    }

    [Fact]
    public void Postgres_statements_are_prepared_after_their_second_use_by_default()
    {
        var connection = new NpgsqlConnectionStringBuilder(From(("Encore:Storage", "Postgres"), ("ConnectionStrings:Postgres", "Host=db;Password=secret")).ConnectionString);

        Assert.Equal((256, 2), (connection.MaxAutoPrepare, connection.AutoPrepareMinUsages));
        Assert.Equal("secret", connection.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=5", 0, 5)]
    [InlineData("Host=db;maxautoprepare=10", 10, 2)]
    public void A_connection_string_that_sets_auto_prepare_keeps_its_values(string given, int maxPrepared, int minUsages)
    {
        var connection = new NpgsqlConnectionStringBuilder(From(("Encore:Storage", "Postgres"), ("ConnectionStrings:Postgres", given)).ConnectionString);

        Assert.Equal((maxPrepared, minUsages), (connection.MaxAutoPrepare, connection.AutoPrepareMinUsages));
    }

    [Fact]
    public void A_blank_redis_connection_string_means_none()
    {
        Assert.Null(From(("Encore:Storage", "Postgres"), ("ConnectionStrings:Postgres", "Host=db"), ("ConnectionStrings:Redis", "  ")).RedisConnectionString);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused_with_a_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Encore:Storage", "Postgres")));

        Assert.Contains("ConnectionStrings:Postgres", error.Message);
    }

    [Theory]
    [InlineData("MySql")]
    [InlineData("")]
    [InlineData("sqlite3")]
    public void An_unknown_provider_is_refused_with_a_reason(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Encore:Storage", value)));

        Assert.Contains("Sqlite or Postgres", error.Message);
    }
}
