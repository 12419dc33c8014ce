using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks;
using Encore.Tests.Catalog;
using Encore.Tests.Gateway;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Encore.Tests.Hosting;

/// <summary>
/// When PostgreSQL or Redis goes away under a running instance (a restart, a failover, a network
/// cut), requests that need it answer 503 problem+json with Retry-After, which clients and load
/// balancers treat as "try again", instead of a 500; the instance recovers by itself when the store
/// is back.
/// </summary>
public sealed class OutageTests
{
    readonly RecordingLoggerProvider logged = new();

    static async Task AssertTryAgainAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(Outages.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal("Service unavailable", await response.ProblemTitleAsync());
    }

    void AssertWarnedNotErrored()
    {
        const string handler = "Encore.BuildingBlocks.Http.ProblemExceptionHandler";
        Assert.Contains(logged.Entries, e => e.Category == handler && e.Level == LogLevel.Warning);
        Assert.DoesNotContain(logged.Entries, e => e.Category == handler && e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_cut_to_PostgreSQL_answers_503_and_the_instance_recovers_when_it_is_back()
    {
        var direct = new NpgsqlConnectionStringBuilder(TestServers.NewPostgresDatabase("outage"));
        await using var proxy = new CuttableTcpProxy(direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var app = EncoreAppFactory.PostgresOn(viaProxy, seedDemo: true).WithServices(s => s.AddSingleton<ILoggerProvider>(logged));
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync("/api/orders")).StatusCode);

        proxy.Cut();
        using (var during = await buyer.GetAsync("/api/orders"))
            await AssertTryAgainAsync(during);
        AssertWarnedNotErrored();

        proxy.Restore();
        // Connections the pool held through the cut are found broken on their next use and dropped.
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.OK; attempt++)
        {
            if (attempt > 0) await Task.Delay(250);
            status = (await buyer.GetAsync("/api/orders")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_cut_to_Redis_refuses_a_hold_with_503_and_holds_work_again_when_it_is_back()
    {
        var redis = TestServers.Redis;
        await using var proxy = new CuttableTcpProxy(int.Parse(redis[(redis.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        await using var app = EncoreAppFactory.Postgres(seedDemo: true)
            .With("ConnectionStrings:Redis", $"127.0.0.1:{proxy.Port},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logged));
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "A1")).StatusCode);

        // The proof is fetched first: its challenge reads the device's report from Redis too, and this
        // test is about the hold (the challenge answers 503 as well while Redis is away).
        var proof = await buyer.ProofAsync("hold");
        proxy.Cut();
        using (var during = await HoldAsync(buyer, sale, "A2", proof))
            await AssertTryAgainAsync(during);
        AssertWarnedNotErrored();

        proxy.Restore();
        // The client reconnects on its own schedule; until then challenge and hold answer 503.
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 80 && status == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            await Task.Delay(250);
            using var challenge = await buyer.GetAsync("/api/bot-defense/challenge?scope=hold");
            if (challenge.StatusCode == HttpStatusCode.ServiceUnavailable) continue;
            var solved = ProofOfWorkClient.Solve((await challenge.Content.ReadFromJsonAsync<Encore.Web.Gateway.AltchaChallenge>())!);
            status = (await HoldAsync(buyer, sale, "A2", solved)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Created, status);
    }

    static Task<HttpResponseMessage> HoldAsync(HttpClient buyer, OnSale sale, string seat, string proof)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{sale.PerformanceId}/holds")
        {
            Content = JsonContent.Create(new { seatIds = new[] { sale.Seats[seat] } }),
        };
        request.Headers.Add(Encore.Web.Gateway.ProofOfWorkCheck.Header, proof);
        return buyer.SendAsync(request);
    }

    [Fact]
    public void A_store_failing_is_an_outage_and_a_refused_write_is_not()
    {
        Assert.True(Outages.Caused(new NpgsqlException("Exception while connecting", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));
        Assert.True(Outages.Caused(new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"))));
        Assert.True(Outages.Caused(new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, StackExchange.Redis.CommandFlags.None, "No connection is available", null, StackExchange.Redis.CommandStatus.WaitingToBeSent)));
        Assert.True(Outages.Caused(new StackExchange.Redis.RedisServerException(StackExchange.Redis.RedisErrorKind.Loading, StackExchange.Redis.CommandFlags.None, "LOADING Redis is loading the dataset in memory")));
        Assert.True(Outages.Caused(new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)));
        Assert.True(Outages.Caused(new TimeoutException("Payment 1 is still being authorized by another call.")));

        Assert.False(Outages.Caused(new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new PostgresException("duplicate key value", "ERROR", "ERROR", "23505"))));
        Assert.False(Outages.Caused(new StackExchange.Redis.RedisServerException(StackExchange.Redis.RedisErrorKind.UnknownError, StackExchange.Redis.CommandFlags.None, "ERR Error running script")));
        Assert.False(Outages.Caused(new InvalidOperationException("a bug")));
        Assert.True(Outages.Caused(new AggregateException(new TimeoutException("a"), new TimeoutException("b"))));
        Assert.False(Outages.Caused(new AggregateException(new TimeoutException("a"), new InvalidOperationException("a bug"))));
    }
}
