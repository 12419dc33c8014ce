using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Encore.BrowserTests.KeyboardFocus;

namespace Encore.BrowserTests;

/// <summary>
/// A buyer waits in an event's queue: joins on the page by keyboard, sees their position, the
/// people ahead and the estimated wait, watches the line move over the live WebSocket, is admitted
/// and moved on to the event page, where the admission (a cookie) lets a hold through. The event
/// is made fresh through the organizer API, so no other journey's event gets a queue.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class QueueJourneyTests(EncoreSite site)
{
    static async Task TabToAsync(IPage page, string text)
    {
        for (var i = 0; i < 80 && await Focused(page, "e.textContent.trim()") != text; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal(text, await Focused(page, "e.textContent.trim()"));
    }

    [Fact]
    public async Task A_buyer_waits_in_line_moves_up_live_and_once_admitted_holds_places()
    {
        // Admission started a minute ago, one person every fifteen seconds: arrivals go in order.
        var (eventId, slug) = await NewQueuedEventAsync(admitPerMinute: 4);

        // Three people are in line first (signed in beforehand, so they join within a moment of each other).
        var others = new List<IBrowserContext>();
        var otherPages = new List<IPage>();
        foreach (var visitor in new[] { "seller", "scanner", "organizer" })
        {
            others.Add(await site.NewContextAsync(visitor));
            otherPages.Add(await others[^1].NewPageAsync());
            await otherPages[^1].GotoAsync($"/events/{eventId}/queue");
        }
        foreach (var otherPage in otherPages)
        {
            await otherPage.GetByRole(AriaRole.Button, new() { Name = "Join the queue" }).ClickAsync();
            await Assertions.Expect(otherPage.Locator("[data-waiting-room]")).ToBeVisibleAsync();
        }
        foreach (var other in others) await other.DisposeAsync();

        await using var context = await site.NewContextAsync("buyer");
        var page = await context.NewPageAsync();
        var said = new List<string>();
        page.Console += (_, message) => said.Add($"{message.Type}: {message.Text}");
        page.WebSocket += (_, socket) => said.Add($"websocket {socket.Url}");
        page.PageError += (_, error) => said.Add($"error: {error}");
        page.Response += (_, response) => { if (response.Url.Contains("waiting-room", StringComparison.Ordinal)) said.Add($"{response.Status} {response.Url}"); };
        await page.GotoAsync($"/events/{slug}");
        Assert.Equal("", await Axe.ViolationsAsync(page));
        await TabToAsync(page, "Join the queue");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/events/{eventId}/queue");
        Assert.Equal("", await Axe.ViolationsAsync(page));
        await TabToAsync(page, "Join the queue");
        await page.Keyboard.PressAsync("Enter");

        var place = page.Locator("[data-waiting-room]");
        await Assertions.Expect(place).ToBeVisibleAsync();
        // The live line is the WebSocket, not the SSE fallback.
        try { await Assertions.Expect(place).ToHaveAttributeAsync("data-transport", "websocket"); }
        catch (PlaywrightException) { Assert.Fail("The page has no WebSocket line; its console:\n" + string.Join("\n", said)); }
        var position = place.Locator("[data-field=position]");
        await Assertions.Expect(position).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[2-4]$"));
        var before = int.Parse((await position.TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(place.Locator("[data-field=ahead]")).ToHaveTextAsync((before - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(place.Locator("[data-field=wait]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("minute|min"));
        Assert.Equal("", await Axe.ViolationsAsync(page));

        // The counter moves without a reload: next in line, announced politely.
        await Assertions.Expect(position).ToHaveTextAsync("1", new() { Timeout = 90_000 });
        await Assertions.Expect(place.Locator("[data-field=ahead]")).ToHaveTextAsync("0");
        Assert.Equal("", await Axe.ViolationsAsync(page));

        // Admitted: the page moves on to the event, and the admission cookie lets the hold through.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/events/{slug}", new() { Timeout = 90_000 });
        Assert.Equal("", await Axe.ViolationsAsync(page));
        await page.GetByLabel("Area").FocusAsync();
        await page.GetByLabel("Area").SelectOptionAsync("FLOOR");
        await page.GetByLabel("Number of places").SelectOptionAsync("2");
        await TabToAsync(page, "Hold standing places");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/holds/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("table tbody")).ToContainTextAsync("2 standing places");
        Assert.Equal("", await Axe.ViolationsAsync(page));
    }

    /// <summary>A fresh event on sale (a small hall with a standing floor) whose queue started a minute ago.</summary>
    async Task<(Guid EventId, string Slug)> NewQueuedEventAsync(int admitPerMinute)
    {
        using var organizer = await OrganizerApiAsync();
        var now = DateTimeOffset.UtcNow;
        var venue = await CreatedAsync(await organizer.PostAsJsonAsync("/api/organizer/venues", new
        {
            name = "The Queue Hall",
            address = "1 Test Street",
            city = "Leeds",
            countryCode = "GB",
            timeZone = "Europe/London",
            width = 400,
            height = 300,
            sections = new object[] { new { code = "FLOOR", name = "Standing", kind = "generalAdmission", priceZone = "B", capacity = 100, x = 10, y = 10, width = 380, height = 280 } },
        }));
        var venueId = venue["id"]!.GetValue<Guid>();
        var created = await CreatedAsync(await organizer.PostAsJsonAsync("/api/organizer/events",
            new { venueId, title = "Queue Night " + Guid.NewGuid().ToString("N")[..6], description = "A night with a waiting room.", genre = "rock" }));
        var eventId = created["event"]!["id"]!.GetValue<Guid>();
        var startsAt = now.UtcDateTime.Date.AddDays(30).AddHours(19).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await CreatedAsync(await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances", new { startsAt }));
        await CreatedAsync(await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/tiers", new { name = "Standing", priceMinor = 2000, currency = "GBP", sectionCodes = new[] { "FLOOR" } }));
        await CreatedAsync(await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/windows", new { kind = "general", startsAt = now.AddHours(-1), endsAt = now.AddDays(30) }));
        var published = await organizer.PostAsync($"/api/organizer/events/{eventId}/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        var queue = await organizer.PutAsJsonAsync($"/api/organizer/events/{eventId}/waiting-room", new
        {
            startsAt = now.AddMinutes(-1),
            preQueueOpensAt = now.AddMinutes(-2),
            mode = "Pace",
            admitPerMinute,
            tokenMinutes = 10,
            maxQueueSize = 1000,
            checkInSeconds = 900,
        });
        Assert.True(queue.IsSuccessStatusCode, await queue.Content.ReadAsStringAsync());
        var detail = await (await organizer.GetAsync($"/api/events/{eventId}")).Content.ReadFromJsonAsync<JsonObject>();
        return (eventId, detail!["slug"]!.GetValue<string>());
    }

    static async Task<JsonObject> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The organizer on the API with a bearer token (signed in with a fresh recovery code as the second factor).</summary>
    async Task<HttpClient> OrganizerApiAsync()
    {
        var client = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };
        var email = EncoreSite.EmailOf("organizer");
        var login = await client.PostAsJsonAsync("/api/identity/login",
            new { email, password = EncoreSite.DemoPassword, twoFactorRecoveryCode = await site.NewRecoveryCodeAsync(email) });
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        var token = (await login.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
