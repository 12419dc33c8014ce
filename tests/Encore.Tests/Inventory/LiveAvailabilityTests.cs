using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Inventory;

/// <summary>
/// Pages watching a performance hear of every change to its seats: holds, releases, pool blocks
/// and expiries, on whichever instance they happened. The clock is fake and shared by the
/// instances, so a test drives the feed's rounds and the holds' expiry by advancing it.
/// </summary>
public sealed class LiveAvailabilityTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_watching_page_hears_of_holds_releases_blocks_and_expiries(StorageProvider provider)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var app = EncoreAppFactory.For(provider, seedDemo: true).WithServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var buyer = await app.SignedInAsync("buyer@encore.test");

        await using var stream = await LiveStream.OpenAsync(app.CreateClient(), sale, clock);
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "A3", "A4")).StatusCode);
        var held = await stream.NextChangeAsync();
        Assert.Equal(new[] { sale.Seats["A3"], sale.Seats["A4"] }.Order(), held["held"].Ids().Order());
        Assert.True(held["v"]!.GetValue<long>() >= clock.GetUtcNow().ToUnixTimeMilliseconds() - 60_000);

        var standing = await buyer.HoldStandingAsync(sale, 3);
        Assert.Equal(HttpStatusCode.Created, standing.StatusCode);
        Assert.Equal(3, (await stream.NextChangeAsync())["gaHeld"]!["FLOOR"]!.GetValue<int>());
        var standingId = (await standing.ReadJsonAsync())["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NoContent, (await buyer.DeleteAsync($"/api/holds/{standingId}")).StatusCode);
        Assert.Equal(0, (await stream.NextChangeAsync())["gaHeld"]!["FLOOR"]!.GetValue<int>());

        var block = await organizer.PostAsJsonAsync($"/api/organizer/performances/{sale.PerformanceId}/pools/artist/block", new { seatIds = new[] { sale.Seats["B1"] } });
        Assert.Equal(HttpStatusCode.OK, block.StatusCode);
        Assert.Equal([sale.Seats["B1"]], (await stream.NextChangeAsync())["blocked"].Ids());

        // Nobody releases A3 and A4: their hold runs out, and the page hears it exactly once.
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var expired = await stream.NextChangeAsync();
        Assert.Equal(new[] { sale.Seats["A3"], sale.Seats["A4"] }.Order(), expired["free"].Ids().Order());
        Assert.Null(expired["held"]);
        Assert.Empty(await stream.ChangesDuringAsync(rounds: 6));
    }

    [Fact]
    public async Task A_hold_on_one_instance_and_an_expiry_reach_a_page_watching_another_instance()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var first = EncoreAppFactory.Postgres(seedDemo: true).WithServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var organizer = await first.SignedInAsync("organizer@encore.test");
        await using var second = EncoreAppFactory.PostgresOn(first.ConnectionString).WithServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 20));
        var buyer = await first.NewBuyerAsync();

        await using var onSecond = await LiveStream.OpenAsync(second.CreateClient(), sale, clock);
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldSeatsAsync(sale, "B4", "B5")).StatusCode);
        var held = await onSecond.NextChangeAsync();
        Assert.Equal(new[] { sale.Seats["B4"], sale.Seats["B5"] }.Order(), held["held"].Ids().Order());

        // The hold was placed on the first instance; its expiry is found by whichever instance looks first, and published once.
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var expired = await onSecond.NextChangeAsync();
        Assert.Equal(new[] { sale.Seats["B4"], sale.Seats["B5"] }.Order(), expired["free"].Ids().Order());
        Assert.Empty(await onSecond.ChangesDuringAsync(rounds: 6));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_stream_is_anonymous_server_sent_events_and_an_unknown_performance_is_404(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var client = app.CreateClient();
        var unknown = await client.GetAsync($"/api/performances/{Guid.NewGuid()}/availability/live");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Availability_carries_its_version_and_an_unchanged_one_still_answers_304()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var client = app.CreateClient();

        var first = await client.GetAsync($"/api/performances/{sale.PerformanceId}/availability");
        Assert.True((await first.ReadJsonAsync())["asOf"]!.GetValue<long>() > 0);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/performances/{sale.PerformanceId}/availability");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }
}

/// <summary>A page's view of the live stream: its events, read in the background.</summary>
internal sealed class LiveStream : IAsyncDisposable
{
    readonly HttpResponseMessage response;
    readonly CancellationTokenSource stop = new();
    readonly Channel<(string Event, string Data)> events = Channel.CreateUnbounded<(string, string)>();
    readonly FakeTimeProvider clock;
    readonly Task reading;

    LiveStream(HttpResponseMessage response, FakeTimeProvider clock)
    {
        this.response = response;
        this.clock = clock;
        reading = Task.Run(ReadAsync);
    }

    public static async Task<LiveStream> OpenAsync(HttpClient client, OnSale sale, FakeTimeProvider clock)
    {
        var response = await client.GetAsync($"/api/performances/{sale.PerformanceId}/availability/live", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new LiveStream(response, clock);
        var (name, _) = await stream.events.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal("ready", name);
        return stream;
    }

    async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            string name = "message", data = "";
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    events.Writer.TryWrite((name, data));
                    (name, data) = ("message", "");
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally
        {
            events.Writer.TryComplete();
        }
    }

    /// <summary>The next change, advancing the fake clock one feed round at a time until it comes (bounded).</summary>
    public async Task<JsonObject> NextChangeAsync()
    {
        for (var round = 0; round < 300; round++)
        {
            while (events.Reader.TryRead(out var item))
                if (item.Event == "change") return JsonNode.Parse(item.Data)!.AsObject();
            clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(100);
        }
        throw new TimeoutException("No change arrived on the live stream.");
    }

    /// <summary>Every change that arrives while the feed runs a number of rounds.</summary>
    public async Task<List<JsonObject>> ChangesDuringAsync(int rounds)
    {
        var changes = new List<JsonObject>();
        for (var round = 0; round < rounds; round++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(150);
            while (events.Reader.TryRead(out var item))
                if (item.Event == "change") changes.Add(JsonNode.Parse(item.Data)!.AsObject());
        }
        return changes;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        response.Dispose();
        await reading;
        stop.Dispose();
    }
}
