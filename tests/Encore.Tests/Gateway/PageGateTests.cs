using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Catalog;
using Encore.Tests.Identity;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.AspNetCore.Http;

namespace Encore.Tests.Gateway;

/// <summary>
/// The event page's hold forms and the hold page's buttons meet the same defenses as the API
/// (docs/bot-defense.md): the holds buckets, the shadow-ban refusal and a single-use proof of work,
/// refused inline on the page with the API's status, and nothing held.
/// </summary>
public sealed class PageGateTests
{
    static async Task<PageVisitor> SignedInPagesAsync(EncoreAppFactory app, string email)
    {
        var visitor = PageVisitor.On(app);
        await visitor.SignInAsync(email, CatalogClient.Password);
        Assert.True(await visitor.IsSignedInAsync());
        return visitor;
    }

    /// <summary>The standing form of the event page, as a browser without the widget (proof null) or with it sends it.</summary>
    static Task<PageVisitor.Page> HoldStandingOnPageAsync(PageVisitor visitor, OnSale sale, string? proof)
    {
        var fields = new List<(string, string)> { ("Standing.Section", "FLOOR"), ("Standing.Quantity", "1") };
        if (proof is not null) fields.Add(("altcha", proof));
        return visitor.SubmitAsync($"/events/{sale.EventId}", "hold-standing", [.. fields]);
    }

    static async Task<int> StandingLeftAsync(EncoreAppFactory app, OnSale sale) =>
        (await app.CreateClient().AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>();

    static void AssertRefusedInline(PageVisitor.Page page, OnSale sale, int status, string title)
    {
        Assert.Equal(status, page.Status);
        Assert.Equal($"/events/{sale.EventId}", page.Path);
        // The form's own summary, focused on load and announced.
        Assert.Matches("<div class=\"validation-summary\" role=\"alert\" tabindex=\"-1\" autofocus(=\"\")? id=\"hold-problem\">", page.Html);
        Assert.Contains($"<h4>{title}</h4>", page.Html, StringComparison.Ordinal);
        // A fresh widget to solve again.
        Assert.Contains("<altcha-widget", page.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_page_hold_needs_a_proof_and_a_proof_counts_once(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var sale = await (await app.SignedInAsync("organizer@encore.test")).PublishOnSaleAsync();
        var buyer = await SignedInPagesAsync(app, (await app.NewBuyerAccountAsync()).Email);

        var form = await buyer.GetAsync($"/events/{sale.EventId}");
        Assert.Contains("<altcha-widget challengeurl=\"/api/bot-defense/challenge?scope=hold\" name=\"altcha\"", form.Html, StringComparison.Ordinal);

        // A bot posting the form without solving anything.
        AssertRefusedInline(await HoldStandingOnPageAsync(buyer, sale, null), sale, StatusCodes.Status428PreconditionRequired, "Browser check not finished");
        Assert.Equal(100, await StandingLeftAsync(app, sale));

        var proof = await buyer.Client.ProofAsync();
        var held = await HoldStandingOnPageAsync(buyer, sale, proof);
        Assert.Equal(200, held.Status);
        Assert.StartsWith("/holds/", held.Path, StringComparison.Ordinal);
        Assert.Equal(99, await StandingLeftAsync(app, sale));

        // The same proof again: refused, nothing more held.
        AssertRefusedInline(await HoldStandingOnPageAsync(buyer, sale, proof), sale, StatusCodes.Status403Forbidden, "Browser check not accepted");
        // A proof for another scope is no proof for a hold.
        AssertRefusedInline(await HoldStandingOnPageAsync(buyer, sale, await buyer.Client.ProofAsync("queue-join")), sale, StatusCodes.Status403Forbidden, "Browser check not accepted");
        Assert.Equal(99, await StandingLeftAsync(app, sale));
    }

    [Fact]
    public async Task A_flagged_account_is_refused_on_the_page_and_its_proof_is_not_spent()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var sale = await (await app.SignedInAsync("organizer@encore.test")).PublishOnSaleAsync();
        var admin = await app.SignedInAsync("admin@encore.test");
        var (email, userId) = await app.NewBuyerAccountAsync();
        var buyer = await SignedInPagesAsync(app, email);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/admin/risk/flags/{userId}", new { reason = "Forty holds a minute from one card" })).StatusCode);

        var proof = await buyer.Client.ProofAsync();
        var refused = await HoldStandingOnPageAsync(buyer, sale, proof);
        AssertRefusedInline(refused, sale, StatusCodes.Status403Forbidden, "Account under review");
        Assert.Contains("Contact support", refused.Html, StringComparison.Ordinal);
        Assert.Equal(100, await StandingLeftAsync(app, sale));

        // Cleared by an admin: the proof the refusal did not spend now holds.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/risk/flags/{userId}")).StatusCode);
        Assert.StartsWith("/holds/", (await HoldStandingOnPageAsync(buyer, sale, proof)).Path, StringComparison.Ordinal);
        Assert.Equal(99, await StandingLeftAsync(app, sale));
    }

    [Fact]
    public async Task Page_posts_spend_the_accounts_holds_budget_with_the_api()
    {
        // Three tokens, refilling one in 100 minutes: nothing refills while the test runs.
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true)
            .With("Encore:RateLimits:Policies:holds:Account:Capacity", "3")
            .With("Encore:RateLimits:Policies:holds:Account:RefillPerMinute", "0.01");
        var sale = await (await app.SignedInAsync("organizer@encore.test")).PublishOnSaleAsync();
        var (email, _) = await app.NewBuyerAccountAsync();
        var buyer = await SignedInPagesAsync(app, email);
        var api = await app.SignedInAsync(email);

        // 1: a hold on the event page.
        var held = await HoldStandingOnPageAsync(buyer, sale, await buyer.Client.ProofAsync());
        Assert.StartsWith("/holds/", held.Path, StringComparison.Ordinal);
        var holdPage = held.Path;
        // 2: extending it on the hold page.
        var extended = await buyer.SubmitAsync(holdPage, "extend");
        Assert.Equal(200, extended.Status);
        Assert.Contains("Extended: your hold now ends at", extended.Html, StringComparison.Ordinal);
        // 3: the same account through the API.
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/holds/{Guid.NewGuid()}")).StatusCode);

        // Spent: the hold page refuses to release, inline, and the hold stays.
        var release = await buyer.SubmitAsync(holdPage, "release");
        Assert.Equal(StatusCodes.Status429TooManyRequests, release.Status);
        Assert.Equal(holdPage, release.Path);
        Assert.InRange(int.Parse(release.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 5900, 6000);
        Assert.Contains("<h2>Too many tries</h2>", release.Html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\" tabindex=\"-1\" autofocus", release.Html, StringComparison.Ordinal);
        Assert.Contains("Your hold", (await buyer.GetAsync(holdPage)).Html, StringComparison.Ordinal);

        // The event page refuses before it looks at the proof, and holds nothing.
        var refused = await HoldStandingOnPageAsync(buyer, sale, await buyer.Client.ProofAsync());
        AssertRefusedInline(refused, sale, StatusCodes.Status429TooManyRequests, "Too many tries");
        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(99, await StandingLeftAsync(app, sale));
        // And the API agrees: one budget.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.GetAsync($"/api/holds/{Guid.NewGuid()}")).StatusCode);
    }
}
