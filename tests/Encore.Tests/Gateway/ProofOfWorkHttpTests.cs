using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Web.Gateway;

namespace Encore.Tests.Gateway;

/// <summary>The gate in front of holds: a solved challenge per hold, once, for its scope, as hard as the buyer's risk says.</summary>
public sealed class ProofOfWorkHttpTests
{
    static string HoldsUrl(OnSale sale) => $"/api/performances/{sale.PerformanceId}/holds";

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, OnSale sale, string? proof, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, HoldsUrl(sale)) { Content = JsonContent.Create(body ?? new { section = "FLOOR", quantity = 1 }) };
        if (proof is not null) request.Headers.Add(ProofOfWorkCheck.Header, proof);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_hold_needs_a_proof_for_its_scope_and_each_proof_counts_once(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var buyer = await app.NewBuyerAsync();

        var missing = await (await PostAsync(buyer, sale, proof: null)).ProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.Equal("missing", missing["reason"]!.GetValue<string>());
        Assert.Contains("/api/bot-defense/challenge?scope=hold", missing["detail"]!.GetValue<string>());

        var forQueue = await buyer.ProofAsync("queue-join");
        Assert.Equal("wrongScope", (await (await PostAsync(buyer, sale, forQueue)).ProblemAsync(HttpStatusCode.Forbidden))["reason"]!.GetValue<string>());
        Assert.Equal("malformed", (await (await PostAsync(buyer, sale, "bm90IGEgcHJvb2Y=")).ProblemAsync(HttpStatusCode.BadRequest))["reason"]!.GetValue<string>());

        var proof = await buyer.ProofAsync();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(buyer, sale, proof)).StatusCode);
        var replay = await (await PostAsync(buyer, sale, proof)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("replayed", replay["reason"]!.GetValue<string>());
        // Refusals held nothing: one place is gone from the floor.
        Assert.Equal(99, (await buyer.AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>());

        // The proof was spent even though another buyer presents it.
        var other = await app.NewBuyerAsync();
        Assert.Equal("replayed", (await (await PostAsync(other, sale, proof)).ProblemAsync(HttpStatusCode.Forbidden))["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await buyer.GetAsync("/api/bot-defense/challenge?scope=admin")).StatusCode);
    }

    [Fact]
    public async Task Risky_devices_get_harder_challenges_and_an_easy_proof_no_longer_serves_them()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();

        // A browser with its headers and device cookie gets the base difficulty (20 in tests).
        var person = (await app.NewBuyerAsync()).AsBrowser();
        await person.ReportDeviceAsync();
        Assert.Equal(20, (await person.ChallengeAsync("hold")).Maxnumber);

        // A bare HTTP client scores 50 (no user agent, language or cookie): ten times harder.
        Assert.Equal(200, (await app.CreateClient().ChallengeAsync("hold")).Maxnumber);
        // A headless browser's user agent: a hundred times.
        Assert.Equal(2000, (await app.CreateClient().AsBrowser("Mozilla/5.0 HeadlessChrome/130.0.0.0").ChallengeAsync("hold")).Maxnumber);

        // The person solves an easy one, then their browser reports BotD's detection: the easy proof is refused.
        var easy = await person.ProofAsync();
        await person.ReportDeviceAsync(bot: true);
        Assert.Equal("tooEasy", (await (await PostAsync(person, sale, easy)).ProblemAsync(HttpStatusCode.Forbidden))["reason"]!.GetValue<string>());
        var hard = await person.ChallengeAsync("hold");
        Assert.Equal(2000, hard.Maxnumber);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(person, sale, ProofOfWorkClient.Solve(hard))).StatusCode);
    }

    [Fact]
    public async Task Device_reports_are_checked_and_set_the_device_cookie()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient();
        await (await client.PostAsJsonAsync("/api/bot-defense/signals", new { visitorId = "bad id!", bot = false })).ProblemAsync(HttpStatusCode.BadRequest);
        var ok = await client.PostAsJsonAsync("/api/bot-defense/signals", new { visitorId = "0123456789abcdef", bot = false });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Contains(ok.Headers.GetValues("Set-Cookie"), c => c.StartsWith("encore.device=", StringComparison.Ordinal));
    }
}
