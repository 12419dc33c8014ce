using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>The proof-of-work field solves its challenge in a worker, says so politely, and fills the form's "altcha" field.</summary>
[Collection(SiteCollection.Name)]
public sealed class ProofOfWorkFieldTests(EncoreSite site)
{
    [Fact]
    public async Task The_field_solves_the_challenge_announces_it_and_fills_the_form()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        var violations = await CspWatch.StartAsync(page);
        await page.GotoAsync("/dev/design#proof-of-work");

        var status = page.Locator("#pow-sample [data-pow-status]");
        await Assertions.Expect(status).ToHaveAttributeAsync("aria-live", "polite");
        await Assertions.Expect(status).ToHaveTextAsync("Check complete. You can continue.", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#pow-sample [data-pow-noscript]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#pow-sample [data-pow-submit]")).ToBeEnabledAsync();

        // The payload is the ALTCHA JSON, base64-encoded, for the scope the field names.
        var payload = await page.Locator("#pow-sample input[name=altcha]").InputValueAsync();
        var json = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String(payload))!;
        Assert.Equal("SHA-256", json["algorithm"]!.GetValue<string>());
        Assert.Contains("scope=hold", json["salt"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Empty(violations);
        await Axe.AssertNoViolationsAsync(page);
    }
}
