using Microsoft.Playwright;

namespace Encore.BrowserTests;

[Collection(SiteCollection.Name)]
public sealed class OrganizerJourneyTests(EncoreSite site)
{
    [Fact]
    public async Task An_organizer_marks_an_event_sold_out_and_reopens_sales_from_the_console()
    {
        await using var context = await site.NewContextAsync("organizer");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/organizer");
        await page.Locator("tr", new() { HasText = "On sale" }).First.GetByRole(AriaRole.Link).ClickAsync();
        var managePath = new Uri(page.Url).AbsolutePath;

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark sold out" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Marked sold out: nothing more can be held online.")).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);

        // The public page says so too.
        await page.GetByRole(AriaRole.Link, new() { Name = "View the public page" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Sold out").First).ToBeVisibleAsync();
        await page.GotoAsync(managePath);

        await page.GetByRole(AriaRole.Button, new() { Name = "Reopen sales" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Sales reopened.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark sold out" })).ToBeVisibleAsync();
    }
}
