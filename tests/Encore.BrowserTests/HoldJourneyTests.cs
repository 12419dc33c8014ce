using Microsoft.Playwright;
using static Encore.BrowserTests.KeyboardFocus;

namespace Encore.BrowserTests;

/// <summary>
/// A buyer chooses tickets and holds them: seats on the map with the keyboard alone, best
/// available, standing places; then the hold page's countdown, its warning, one extension,
/// release, and what happens when the time runs out. Axe checks every state on the way.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class HoldJourneyTests(EncoreSite site)
{
    const string Theatre = "/events/paper-lanterns";
    const string Presale = "/events/crescent-symphonia-mahler-5";
    const string Club = "/events/aurora-skies-winter-tour";

    [Fact]
    public async Task A_keyboard_user_selects_two_seats_on_the_map_and_holds_them()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.GotoAsync(Theatre);
        await Assertions.Expect(page.Locator("[data-seat-help]")).ToBeVisibleAsync();

        // Tab until the map's one tab stop; every seat is one arrow key from the next.
        for (var i = 0; i < 80 && await Focused(page, "e.getAttribute('role')") != "checkbox"; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal("checkbox", await Focused(page, "e.getAttribute('role')"));
        var first = await Focused(page, "e.getAttribute('aria-label')");
        Assert.Contains("row", first);
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("ArrowRight");
        var second = await Focused(page, "e.getAttribute('aria-label')");
        Assert.NotEqual(first, second);
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("true", await Focused(page, "e.getAttribute('aria-checked')"));
        await Assertions.Expect(page.Locator("[data-seat-announcer]")).ToContainTextAsync("2 seats selected");
        await Assertions.Expect(page.Locator("[data-seat-summary]")).ToContainTextAsync("2 seats selected");
        await Axe.AssertNoViolationsAsync(page);

        // On to the form's button, still by keyboard.
        for (var i = 0; i < 80 && await Focused(page, "e.textContent.trim()") != "Hold selected seats"; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Hold selected seats", await Focused(page, "e.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your hold", Level = 1 })).ToBeVisibleAsync();
        var rows = page.Locator("table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table tfoot")).ToContainTextAsync("2 tickets");
        await Axe.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task Best_available_holds_adjacent_seats_and_the_list_filters_to_accessible_seats()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.GotoAsync(Presale);

        await page.GetByLabel("Wheelchair and companion seats only").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show seats" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("accessible=true", StringComparison.Ordinal));
        // The seats' own boxes: the form also carries the proof-of-work widget's checkbox.
        var listed = page.Locator("form[data-seat-form] .seat-options input[type=checkbox]");
        Assert.True(await listed.CountAsync() > 0);
        foreach (var label in await page.Locator("form[data-seat-form] .seat-options label").AllTextContentsAsync())
            Assert.Matches("wheelchair space|companion seat", label);
        await Axe.AssertNoViolationsAsync(page);

        await page.GetByLabel("Number of seats").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold the best seats" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));
        var seats = await page.Locator("table tbody th").AllTextContentsAsync();
        Assert.Equal(2, seats.Count);
        Assert.Equal(seats[0][..seats[0].IndexOf(", seat", StringComparison.Ordinal)], seats[1][..seats[1].IndexOf(", seat", StringComparison.Ordinal)]);
        await Axe.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task Standing_places_are_held_and_another_page_sees_the_places_left_drop_live()
    {
        await using var watcherContext = await site.NewContextAsync(EncoreSite.Anonymous);
        var watcher = await watcherContext.NewPageAsync();
        await watcher.GotoAsync(Club);
        var floor = watcher.Locator("[data-ga-remaining=FLOOR]");
        var before = int.Parse((await floor.TextContentAsync())!.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        await Axe.AssertNoViolationsAsync(watcher);

        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.GotoAsync(Club);
        await page.GetByLabel("Area").SelectOptionAsync("FLOOR");
        await page.GetByLabel("Number of places").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold standing places" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("table tbody")).ToContainTextAsync("2 standing places");
        await Axe.AssertNoViolationsAsync(page);

        await Assertions.Expect(floor).ToHaveTextAsync((before - 2).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_click_before_the_browser_check_completes_waits_for_it_and_then_holds()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        // The device report, which the proof of work waits for, is held back until the test lets it go:
        // the buyer clicks before the check has even started.
        await page.RouteAsync("**/js/device-signals*.js", route => route.FulfillAsync(new()
        {
            ContentType = "text/javascript",
            Body = "window.encoreDeviceSignals = new Promise((resolve) => { window.releaseDeviceReport = resolve; });",
        }));
        await page.GotoAsync(Theatre);
        await page.GetByLabel("Number of seats").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold the best seats" }).ClickAsync();

        var status = page.Locator("form[aria-labelledby=best-heading] [data-pow-status]");
        await Assertions.Expect(status).ToContainTextAsync("your request is sent when it completes");
        Assert.Equal(Theatre, new Uri(page.Url).AbsolutePath);

        await page.EvaluateAsync("() => window.releaseDeviceReport()");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("table tbody tr")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Release these tickets" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == Theatre);
    }

    [Fact]
    public async Task The_hold_page_warns_before_the_end_extends_once_and_releases()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();
        await HoldBestAsync(page, Theatre);
        await Assertions.Expect(page.Locator("[data-hold-warning]")).ToBeHiddenAsync();
        await Axe.AssertNoViolationsAsync(page);

        // Eight and a half minutes into a ten-minute hold: the warning shows and is announced politely.
        await page.Clock.FastForwardAsync("08:30");
        await Assertions.Expect(page.Locator("[data-hold-warning]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-hold-announcer]")).ToContainTextAsync("Your hold ends in less than 2 minutes");
        Assert.Equal("polite", await page.Locator("[data-hold-announcer]").EvaluateAsync<string>("e => e.getAttribute('aria-live') || (e.getAttribute('role') === 'status' ? 'polite' : '')"));
        await Axe.AssertNoViolationsAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Extend by 10 minutes" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Extended: your hold now ends at")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Extend by 10 minutes" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("cannot be extended again")).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Release these tickets" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == Theatre);
        await Assertions.Expect(page.GetByText("Your hold was released")).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
    }

    [Fact]
    public async Task When_the_time_runs_out_the_page_says_so_and_offers_to_start_again()
    {
        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();
        var holdUrl = await HoldBestAsync(page, Theatre);

        await page.Clock.FastForwardAsync("10:05");
        await Assertions.Expect(page.Locator("[data-hold-expired]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-hold-actions]")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Choose tickets again" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);

        // The server agrees once the hold is gone: released here so the journey ends clean.
        await page.Clock.ResumeAsync();
        await page.GotoAsync(holdUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Release these tickets" }).ClickAsync();
        await page.GotoAsync(holdUrl);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This hold has ended" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
    }

    [Theory]
    [InlineData(Theatre)]
    [InlineData(Presale)]
    [InlineData(Club)]
    public async Task The_ticket_choices_fit_a_320_pixel_screen(string path)
    {
        await using var context = await site.NewContextAsync("buyer", width: 320, height: 640);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path + "?section=STALLS");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            "the page scrolls sideways at 320 px");
        await Axe.AssertNoViolationsAsync(page);
    }

    static async Task<string> HoldBestAsync(IPage page, string eventPath)
    {
        await page.GotoAsync(eventPath);
        await page.GetByLabel("Number of seats").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold the best seats" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));
        return new Uri(page.Url).AbsolutePath;
    }
}
