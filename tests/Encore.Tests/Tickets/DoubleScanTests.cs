using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Tickets;

/// <summary>
/// Many gates scan one ticket at the same moment, through two app instances on one PostgreSQL
/// database (and on the embedded SQLite): exactly one is admitted, and every other gate is told
/// the winner's gate and time.
/// </summary>
public sealed class DoubleScanTests
{
    const int Scans = 40;

    [Fact]
    public async Task Across_two_instances_one_gate_admits_and_the_rest_are_told_where_and_when()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = EncoreAppFactory.Postgres(seedDemo: true).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        await using var second = EncoreAppFactory.PostgresOn(first.ConnectionString).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        second.CreateClient().Dispose();
        await RaceAsync(first, second, clock);
    }

    [Fact]
    public async Task On_the_embedded_database_parallel_scans_admit_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        await RaceAsync(app, app, clock);
    }

    static async Task RaceAsync(EncoreAppFactory first, EncoreAppFactory second, FakeTimeProvider clock)
    {
        var organizer = await first.SignedInAsync("organizer@encore.test");
        var sale = await first.SaleAsync(organizer);
        var buyer = await first.NewBuyerAccountAsync();
        await first.PublishAsync(TicketsHarness.Paid(sale, buyer, [], standing: 1));
        var code = await (await first.SignedInAsync(buyer.Email)).CodeAsync((await (await first.SignedInAsync(buyer.Email)).TicketsAsync()).Single()["id"]!.GetValue<Guid>());

        clock.SetUtcNow(sale.Schedule.DoorsAt.AddMinutes(10));
        var token = (await first.SignedInAsync("scanner@encore.test")).DefaultRequestHeaders.Authorization;
        var clients = Enumerable.Range(0, Scans).Select(i =>
        {
            var client = (i % 2 == 0 ? first : second).CreateClient();
            client.DefaultRequestHeaders.Authorization = token;
            return client;
        }).ToList();

        using var start = new SemaphoreSlim(0);
        var race = clients.Select(async (client, i) =>
        {
            await start.WaitAsync();
            var response = await client.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/scans", new { code, gate = $"Gate {i}" });
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            return (Gate: $"Gate {i}", Verdict: (await response.Content.ReadFromJsonAsync<JsonObject>())!);
        }).ToList();
        start.Release(Scans);
        var verdicts = await Task.WhenAll(race);

        var winner = Assert.Single(verdicts, v => v.Verdict.Outcome() == "Admitted");
        var losers = verdicts.Where(v => v.Verdict.Outcome() != "Admitted").ToList();
        Assert.Equal(Scans - 1, losers.Count);
        Assert.All(losers, l =>
        {
            Assert.Equal("AlreadyAdmitted", l.Verdict.Outcome());
            Assert.Equal(winner.Gate, l.Verdict["firstGate"]!.GetValue<string>());
            Assert.Equal(clock.GetUtcNow(), l.Verdict["firstScannedAt"]!.GetValue<DateTimeOffset>());
        });
    }
}
