using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.FlashSale;
using Encore.Identity.Risk;
using Encore.Tests.Catalog;
using Encore.Tests.Gateway;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Identity;

/// <summary>Admins flag and unflag accounts; a flagged account's risk says so, and its holds are refused.</summary>
public sealed class ShadowBanTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_flagged_account_cannot_hold_until_an_admin_clears_it(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var admin = await app.SignedInAsync("admin@encore.test");
        var buyer = await app.NewBuyerAsync();
        var buyerId = await buyer.UserIdAsync();

        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldStandingAsync(sale, 1)).StatusCode);

        var flagged = await admin.PutAsJsonAsync($"/api/admin/risk/flags/{buyerId}", new { reason = "Forty holds a minute from one card" });
        Assert.Equal(HttpStatusCode.OK, flagged.StatusCode);
        var list = await admin.GetFromJsonAsync<List<System.Text.Json.Nodes.JsonObject>>("/api/admin/risk/flags");
        var entry = Assert.Single(list!);
        Assert.Equal(buyerId, entry["userId"]!.GetValue<Guid>());
        Assert.Equal("Forty holds a minute from one card", entry["reason"]!.GetValue<string>());
        Assert.StartsWith("fan-", entry["email"]!.GetValue<string>());

        // The risk contract says so, for the waiting room to act on.
        var risk = await app.Service<IBuyerRiskSignals>().AssessAsync(buyerId, new DefaultHttpContext(), default);
        Assert.True(risk.ShadowBanned);
        Assert.Contains("Flagged by an admin: Forty holds a minute from one card", risk.Reasons);

        var refused = await (await buyer.HoldStandingAsync(sale, 1)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Account under review", refused["title"]!.GetValue<string>());
        Assert.Equal("accountFlagged", refused["reason"]!.GetValue<string>());
        Assert.Equal(99, (await buyer.AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>());

        // Only admins flag; bad input changes nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.PutAsJsonAsync($"/api/admin/risk/flags/{buyerId}", new { reason = "self" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.DeleteAsync($"/api/admin/risk/flags/{buyerId}")).StatusCode);
        await (await admin.PutAsJsonAsync($"/api/admin/risk/flags/{buyerId}", new { reason = "x" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PutAsJsonAsync($"/api/admin/risk/flags/{Guid.NewGuid()}", new { reason = "no such account" })).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/risk/flags/{buyerId}")).StatusCode);
        await (await admin.DeleteAsync($"/api/admin/risk/flags/{buyerId}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await admin.GetFromJsonAsync<List<System.Text.Json.Nodes.JsonObject>>("/api/admin/risk/flags"))!);
        Assert.False((await app.Service<IBuyerRiskSignals>().AssessAsync(buyerId, new DefaultHttpContext(), default)).ShadowBanned);
        Assert.Equal(HttpStatusCode.Created, (await buyer.HoldStandingAsync(sale, 1)).StatusCode);
    }

    [Fact]
    public async Task Another_instance_sees_a_flag_within_the_cache_time_and_this_one_at_once()
    {
        var clockA = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var clockB = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = EncoreAppFactory.Postgres(seedDemo: true).WithServices(s => s.AddSingleton<TimeProvider>(clockA));
        var admin = await a.SignedInAsync("admin@encore.test");
        var buyerId = await (await a.NewBuyerAsync()).UserIdAsync();
        await using var b = a.AnotherInstance().WithServices(s => s.AddSingleton<TimeProvider>(clockB));
        async Task<bool> BannedOn(EncoreAppFactory app) =>
            (await app.Service<IBuyerRiskSignals>().AssessAsync(buyerId, new DefaultHttpContext(), default)).ShadowBanned;

        // Both instances have read the flags (none yet).
        Assert.False(await BannedOn(a));
        Assert.False(await BannedOn(b));

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/admin/risk/flags/{buyerId}", new { reason = "Forty holds a minute from one card" })).StatusCode);
        Assert.True(await BannedOn(a));
        Assert.False(await BannedOn(b));
        clockB.Advance(TimeSpan.FromSeconds(BuyerRiskSignals.FlagCacheSeconds));
        Assert.True(await BannedOn(b));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/risk/flags/{buyerId}")).StatusCode);
        Assert.False(await BannedOn(a));
        Assert.True(await BannedOn(b));
        clockB.Advance(TimeSpan.FromSeconds(BuyerRiskSignals.FlagCacheSeconds));
        Assert.False(await BannedOn(b));
    }
}
