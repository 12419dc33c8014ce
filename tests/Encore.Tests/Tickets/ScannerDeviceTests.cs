using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Tickets;

/// <summary>An organizer registers a gate device (an OAuth client-credentials client), the device scans its event only, and revoking it shuts it out at once.</summary>
public sealed class ScannerDeviceTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_registered_device_scans_its_event_only_until_it_is_revoked(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await app.SaleAsync(organizer);
        var other = await app.SaleAsync(organizer);
        var buyer = await app.NewBuyerAccountAsync();
        await app.PublishAsync(TicketsHarness.Paid(sale, buyer, ["A1"]));
        var holder = await app.SignedInAsync(buyer.Email);
        var code = await holder.CodeAsync((await holder.TicketsAsync()).Single()["id"]!.GetValue<Guid>());

        using var register = new HttpRequestMessage(HttpMethod.Post, $"/api/organizer/events/{sale.EventId}/scanner-devices") { Content = JsonContent.Create(new { name = "North gate 1" }) };
        register.Headers.Add("Idempotency-Key", "device-north-1");
        var created = await organizer.SendAsync(register);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var device = await created.ReadJsonAsync();
        var clientId = device["clientId"]!.GetValue<string>();
        var secret = device["clientSecret"]!.GetValue<string>();

        // A retry with the same key answers the same device; the same key for another device is refused.
        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/api/organizer/events/{sale.EventId}/scanner-devices") { Content = JsonContent.Create(new { name = "North gate 1" }) };
        retry.Headers.Add("Idempotency-Key", "device-north-1");
        var replay = await (await organizer.SendAsync(retry)).ReadJsonAsync();
        Assert.Equal((device["id"]!.GetValue<Guid>(), secret), (replay["id"]!.GetValue<Guid>(), replay["clientSecret"]!.GetValue<string>()));
        using var misuse = new HttpRequestMessage(HttpMethod.Post, $"/api/organizer/events/{sale.EventId}/scanner-devices") { Content = JsonContent.Create(new { name = "South gate" }) };
        misuse.Headers.Add("Idempotency-Key", "device-north-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await organizer.SendAsync(misuse)).StatusCode);

        var gate = app.CreateClient();
        gate.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(app, clientId, secret));

        // The doors are weeks away, so the verdict is "not open yet": the device was heard and judged.
        var verdict = await gate.ScanAsync(sale.EventId, code, "North gate 1");
        Assert.Equal("NotOpenYet", verdict.Outcome());
        Assert.Equal(HttpStatusCode.OK, (await gate.GetAsync($"/api/scanner/events/{sale.EventId}/offline")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gate.PostAsJsonAsync($"/api/scanner/events/{other.EventId}/scans", new { code })).StatusCode);
        var listed = await (await organizer.GetAsync($"/api/organizer/events/{sale.EventId}/scanner-devices")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Equal(clientId, listed!.Single()!["clientId"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/organizer/events/{sale.EventId}/scanner-devices/{device["id"]}")).StatusCode);

        // Its unexpired token is refused at once, and it gets no new one.
        var refused = await gate.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/scans", new { code });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Device revoked", (await refused.ReadJsonAsync())["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await gate.GetAsync($"/api/scanner/events/{sale.EventId}/offline")).StatusCode);
        var token = await app.CreateClient().PostAsync("/connect/token", Form(clientId, secret));
        Assert.False(token.IsSuccessStatusCode);

        // Another organizer cannot register devices for this event.
        var rival = await app.SecondOrganizerAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await rival.PostAsJsonAsync($"/api/organizer/events/{sale.EventId}/scanner-devices", new { name = "Sneaky" })).StatusCode);
    }

    /// <summary>
    /// Each instance keeps the devices it saw allowed for a few seconds; a revocation on one instance
    /// reaches the other by message (Redis pub/sub). The device cache here is long and the clock
    /// stands still, so only the message can make the second instance refuse the device.
    /// </summary>
    [Fact]
    public async Task A_device_revoked_on_one_instance_is_refused_by_another_that_had_it_cached()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = EncoreAppFactory.Postgres(seedDemo: true).With("Encore:Tickets:DeviceCacheSeconds", "30")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));
        await using var second = EncoreAppFactory.PostgresOn(first.ConnectionString).With("Encore:Tickets:DeviceCacheSeconds", "30")
            .WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var organizer = await first.SignedInAsync("organizer@encore.test");
        var sale = await first.SaleAsync(organizer);
        var buyer = await first.NewBuyerAccountAsync();
        await first.PublishAsync(TicketsHarness.Paid(sale, buyer, ["A1"]));
        var holder = await first.SignedInAsync(buyer.Email);
        var code = await holder.CodeAsync((await holder.TicketsAsync()).Single()["id"]!.GetValue<Guid>());

        using var register = new HttpRequestMessage(HttpMethod.Post, $"/api/organizer/events/{sale.EventId}/scanner-devices") { Content = JsonContent.Create(new { name = "West gate" }) };
        register.Headers.Add("Idempotency-Key", "device-west");
        var device = await (await organizer.SendAsync(register)).ReadJsonAsync();
        var gate = second.CreateClient();
        gate.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await TokenAsync(first, device["clientId"]!.GetValue<string>(), device["clientSecret"]!.GetValue<string>()));
        Assert.Equal("NotOpenYet", (await gate.ScanAsync(sale.EventId, code, "West gate")).Outcome());

        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/organizer/events/{sale.EventId}/scanner-devices/{device["id"]}")).StatusCode);

        // Pub/sub delivers asynchronously: ask until the second instance refuses, for far longer than delivery takes.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage refused;
        while ((refused = await gate.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/scans", new { code })).StatusCode == HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Device revoked", (await refused.ReadJsonAsync())["title"]!.GetValue<string>());
    }

    static FormUrlEncodedContent Form(string clientId, string secret) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_secret"] = secret,
        ["scope"] = "encore_api",
    });

    static async Task<string> TokenAsync(EncoreAppFactory app, string clientId, string secret)
    {
        var response = await app.CreateClient().PostAsync("/connect/token", Form(clientId, secret));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }
}
