using System.Net;
using Encore.BuildingBlocks.Live;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Tests.WaitingRoom;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Encore.Tests.BuildingBlocks;

/// <summary>
/// An instance whose Redis cannot be reached for pub/sub: its live lines (the waiting room's, the
/// seat map's) answer 503 problem+json with Retry-After, so the page tries again, instead of a 500
/// or a stream that never hears a change.
/// </summary>
public sealed class LiveLinesWithoutRedisTests : IAsyncLifetime
{
    ConnectionMultiplexer unreachable = null!;

    public async Task InitializeAsync() => unreachable = await TestServers.UnreachableRedisAsync();

    public async Task DisposeAsync() => await unreachable.DisposeAsync();

    readonly RecordingLoggerProvider logged = new();

    EncoreAppFactory Deaf(EncoreAppFactory app) =>
        app.WithServices(s => s.Replace(ServiceDescriptor.Singleton<ILiveBroadcast>(new RedisLiveBroadcast(unreachable))))
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logged));

    /// <summary>The refusal is an operator's business too: the outage is said in the log.</summary>
    void AssertWarned(string category) =>
        Assert.Contains(logged.Entries, e => e.Category == category && e.Level == LogLevel.Warning);

    static async Task AssertTryAgainAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task The_seat_map_s_live_stream_answers_503_with_retry_after()
    {
        await using var app = Deaf(EncoreAppFactory.Sqlite(seedDemo: true));
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();

        using var response = await app.CreateClient().SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/performances/{sale.PerformanceId}/availability/live"), HttpCompletionOption.ResponseHeadersRead);
        await AssertTryAgainAsync(response);
        AssertWarned("Encore.Inventory.Live.AvailabilityStream");
    }

    [Fact]
    public async Task The_waiting_room_s_live_line_answers_503_with_retry_after_and_keeps_the_place()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = Deaf(EncoreAppFactory.Sqlite(seedDemo: true).Queued(clock));
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutQueueAsync(sale.EventId, QueueClient.PaceSettings(clock.GetUtcNow()))).StatusCode);
        var buyer = await app.NewBuyerAsync();
        Assert.Equal(HttpStatusCode.Created, (await buyer.JoinAsync(sale.EventId)).StatusCode);

        using var response = await buyer.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/waiting-room/{sale.EventId}/events"), HttpCompletionOption.ResponseHeadersRead);
        await AssertTryAgainAsync(response);
        AssertWarned("Encore.WaitingRoom.Live.LiveQueue");
        Assert.Equal(1, (await buyer.StatusAsync(sale.EventId))["entryId"]!.GetValue<long>());
    }
}
