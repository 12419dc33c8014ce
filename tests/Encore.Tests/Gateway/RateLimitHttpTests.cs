using System.Net;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Web.Gateway;

namespace Encore.Tests.Gateway;

/// <summary>The hold endpoints' token buckets through HTTP: per account, per device, per address, and shared by instances.</summary>
public sealed class RateLimitHttpTests
{
    // Refills one token in 100 minutes: nothing refills while a test runs.
    const string Slow = "0.01";

    static EncoreAppFactory Limited(EncoreAppFactory app, int account = 100_000, int device = 100_000, int address = 100_000) => app
        .With("Encore:RateLimits:Policies:holds:Account:Capacity", account.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Encore:RateLimits:Policies:holds:Account:RefillPerMinute", account < 100_000 ? Slow : "100000")
        .With("Encore:RateLimits:Policies:holds:Device:Capacity", device.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Encore:RateLimits:Policies:holds:Device:RefillPerMinute", device < 100_000 ? Slow : "100000")
        .With("Encore:RateLimits:Policies:holds:Address:Capacity", address.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Encore:RateLimits:Policies:holds:Address:RefillPerMinute", address < 100_000 ? Slow : "100000");

    // Reading a hold is in the holds policy and needs no proof: the cheapest call to spend tokens on.
    static Task<HttpResponseMessage> ReadHoldAsync(HttpClient client) => client.GetAsync($"/api/holds/{Guid.NewGuid()}");

    static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem["title"]!.GetValue<string>());
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        // One token in 100 minutes.
        Assert.InRange(retryAfter, 5900, 6000);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_account_spends_its_own_budget_and_no_one_elses(StorageProvider provider)
    {
        await using var app = Limited(EncoreAppFactory.For(provider, seedDemo: true), account: 3);
        var buyer = await app.NewBuyerAsync();
        var other = await app.NewBuyerAsync();

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NotFound, (await ReadHoldAsync(buyer)).StatusCode);
        await AssertLimitedAsync(await ReadHoldAsync(buyer));
        // A hold attempt is refused before its proof is even looked at (the proof stays unspent).
        var proof = await buyer.ProofAsync();
        using (var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{Guid.NewGuid()}/holds") { Content = System.Net.Http.Json.JsonContent.Create(new { section = "FLOOR", quantity = 1 }) })
        {
            hold.Headers.Add(ProofOfWorkCheck.Header, proof);
            await AssertLimitedAsync(await buyer.SendAsync(hold));
        }
        using (var again = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{Guid.NewGuid()}/holds") { Content = System.Net.Http.Json.JsonContent.Create(new { section = "FLOOR", quantity = 1 }) })
        {
            again.Headers.Add(ProofOfWorkCheck.Header, proof);
            Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(again)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await ReadHoldAsync(other)).StatusCode);
        // Requests outside the policy are not counted.
        Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync("/api/identity/me")).StatusCode);
        // Anonymous callers are refused by authorization before any bucket is touched.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReadHoldAsync(app.CreateClient())).StatusCode);
    }

    [Fact]
    public async Task One_browser_switching_accounts_meets_its_device_budget()
    {
        await using var app = Limited(EncoreAppFactory.Sqlite(seedDemo: true), device: 4);
        var accounts = new List<HttpClient>();
        for (var i = 0; i < 3; i++) accounts.Add(await app.NewBuyerAsync());
        var browser = app.CreateClient();
        await browser.ReportDeviceAsync();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            browser.DefaultRequestHeaders.Authorization = accounts[i % 3].DefaultRequestHeaders.Authorization;
            answers.Add((await ReadHoldAsync(browser)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        // The same accounts from their own clients (no device cookie) still have budget.
        Assert.Equal(HttpStatusCode.NotFound, (await ReadHoldAsync(accounts[0])).StatusCode);
    }

    [Fact]
    public async Task Many_accounts_from_one_address_meet_its_budget_and_IPv6_counts_per_64()
    {
        await using var app = Limited(EncoreAppFactory.Sqlite(seedDemo: true).WithClientAddresses(), address: 4);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 5; i++) clients.Add(await app.NewBuyerAsync());

        async Task<HttpStatusCode> From(HttpClient client, string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/holds/{Guid.NewGuid()}");
            request.Headers.Add(BotDefenseClient.TestAddressHeader, address);
            return (await client.SendAsync(request)).StatusCode;
        }

        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.NotFound, await From(clients[i], "203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await From(clients[4], "203.0.113.7"));
        Assert.Equal(HttpStatusCode.NotFound, await From(clients[4], "203.0.113.8"));

        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.NotFound, await From(clients[i], $"2001:db8:1:2::{i + 1}"));
        // Another address in the same /64 is the same budget; the next /64 is not.
        Assert.Equal(HttpStatusCode.TooManyRequests, await From(clients[4], "2001:db8:1:2:ffff::9"));
        Assert.Equal(HttpStatusCode.NotFound, await From(clients[4], "2001:db8:1:3::1"));
    }

    [Fact]
    public async Task Two_instances_share_the_buckets_and_the_spent_proofs_in_Redis()
    {
        await using var first = Limited(EncoreAppFactory.Postgres(seedDemo: true), account: 4);
        var organizer = await first.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        await using var second = first.AnotherInstance();
        second.CreateClient().Dispose();
        var buyer = await first.NewBuyerAsync();
        var onSecond = second.CreateClient();
        onSecond.DefaultRequestHeaders.Authorization = buyer.DefaultRequestHeaders.Authorization;

        // A proof spent on one instance is refused by the other (one token each on the account's bucket).
        var proof = await buyer.ProofAsync();
        HttpRequestMessage Hold() => new(HttpMethod.Post, $"/api/performances/{sale.PerformanceId}/holds")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { section = "FLOOR", quantity = 1 }),
            Headers = { { ProofOfWorkCheck.Header, proof } },
        };
        Assert.Equal(HttpStatusCode.Created, (await buyer.SendAsync(Hold())).StatusCode);
        Assert.Equal("replayed", (await (await onSecond.SendAsync(Hold())).ProblemAsync(HttpStatusCode.Forbidden))["reason"]!.GetValue<string>());

        // Two more tokens, one on each instance, and the budget of four is gone on both.
        Assert.Equal(HttpStatusCode.NotFound, (await ReadHoldAsync(buyer)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadHoldAsync(onSecond)).StatusCode);
        await AssertLimitedAsync(await ReadHoldAsync(onSecond));
        await AssertLimitedAsync(await ReadHoldAsync(buyer));
    }
}
