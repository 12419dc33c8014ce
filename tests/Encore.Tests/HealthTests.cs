using System.Net;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Infrastructure;

namespace Encore.Tests;

public sealed class HealthTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Live_and_ready_answer_when_the_database_and_redis_do(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var client = app.CreateClient();

        var live = await client.GetAsync("/healthz");
        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_ping_answers_anonymously_with_a_tiny_body()
    {
        await using var app = EncoreAppFactory.For(StorageProvider.Sqlite);
        var client = app.CreateClient();

        var ping = await client.GetAsync("/api/ping");

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("pong", await ping.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_fails_when_redis_is_configured_but_unreachable()
    {
        await using var app = EncoreAppFactory.Postgres().With("ConnectionStrings:Redis", "127.0.0.1:1,abortConnect=false,connectTimeout=200");
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
