using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.Catalog;
using Encore.Contracts.Orders;
using Encore.Tickets;
using Encore.Tickets.Issuance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>
/// A gate loses the network mid-show: the scanner page judges codes on the device with the bundle it
/// downloaded (WebCrypto ES256), admits each ticket once, refuses a forgery, and when the network
/// is back syncs its admissions; a ticket another gate admitted online meanwhile comes back as a conflict.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class OfflineScannerTests(EncoreSite site)
{
    // Used by no other browser test: their performances can be "tonight" for these tests alone.
    const string Show = "neon-pulse";
    const string RotatingShow = "midnight-quartet";

    /// <summary>Paid standing places for the demo buyer, as Orders would announce them, at a performance whose doors are open now.</summary>
    async Task<(Guid EventId, Guid[] TicketIds)> IssueTonightAsync(string show, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };
        var ev = (await http.GetFromJsonAsync<JsonObject>($"/api/events/{show}"))!;
        var eventId = (ev["event"] ?? ev)["id"]!.GetValue<Guid>();
        var performanceId = (ev["event"] ?? ev)["performances"]![0]!["id"]!.GetValue<Guid>();
        await using var scope = site.Services.CreateAsyncScope();
        var schedule = (await scope.ServiceProvider.GetRequiredService<ICatalogSchedule>().GetPerformanceScheduleAsync(performanceId, CancellationToken.None))!;
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Identity.EncoreUser>>();
        var buyer = (await users.FindByEmailAsync(EncoreSite.EmailOf("buyer")))!;
        var admissions = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
        db.AddToOutbox(new OrderPaid(Guid.NewGuid(), buyer.Id, buyer.Email!, "Demo Buyer", schedule.OrganizerId, eventId, performanceId, "GBP",
            [.. admissions.Select(a => new PaidAdmission(a, null, "FLOOR", null, null, Guid.NewGuid(), "Standing", 3500))], DateTimeOffset.UtcNow), TimeProvider.System);
        await db.SaveChangesAsync();
        Guid[] ids = [];
        for (var i = 0; i < 300 && ids.Length < count; i++)
        {
            ids = await db.Tickets.AsNoTracking().Where(t => admissions.Contains(t.AdmissionId)).Select(t => t.Id).ToArrayAsync();
            if (ids.Length < count) await Task.Delay(100);
        }
        if (ids.Length < count) throw new TimeoutException("The tickets were not issued.");
        // The show is days away in the demo data; the gate's copy of its schedule says the doors are open.
        var now = DateTimeOffset.UtcNow;
        await db.Performances.Where(p => p.PerformanceId == performanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.DoorsAt, now.AddHours(-1)).SetProperty(p => p.EndsAt, now.AddHours(3)));
        scope.ServiceProvider.GetRequiredService<Schedules>().Forget(performanceId);
        return (eventId, ids);
    }

    static async Task<string> CodeAsync(IBrowserContext holder, Guid ticketId) =>
        (await (await holder.APIRequest.GetAsync($"/api/tickets/{ticketId}/code")).JsonAsync())!.Value.GetProperty("code").GetString()!;

    static async Task ScanAsync(IPage page, string code)
    {
        await page.Locator("#code").FocusAsync();
        await page.Keyboard.TypeAsync(code);
        await page.Keyboard.PressAsync("Enter");
    }

    static ILocator Verdict(IPage page, string outcome) => page.Locator($"[data-scan-result] [data-scan-verdict][data-outcome={outcome}]");

    [Fact]
    public async Task A_gate_offline_admits_once_refuses_a_forgery_and_syncs_its_admissions_reporting_a_conflict()
    {
        var (eventId, tickets) = await IssueTonightAsync(Show, 2);
        await using var buyer = await site.NewContextAsync("buyer");
        var (first, second) = (await CodeAsync(buyer, tickets[0]), await CodeAsync(buyer, tickets[1]));
        // One character of the signature changed: still a well-formed code, but not the one the event's key signed.
        var forged = first[..100] + (first[100] == 'A' ? 'B' : 'A') + first[101..];

        await using var east = await site.NewContextAsync("scanner");
        var gate = await east.NewPageAsync();
        await gate.GotoAsync($"/scan?event={eventId}");
        var state = gate.Locator("[data-offline-state]");
        var said = gate.Locator("[role=status][data-scan-announce]");
        await Assertions.Expect(state).ToContainTextAsync("Ticket list for offline checks downloaded at");
        await Assertions.Expect(state).ToContainTextAsync("This page opens without the network too.");
        await gate.Locator("#gate").FillAsync("East gate");

        await east.SetOfflineAsync(true);
        await Assertions.Expect(state).ToContainTextAsync("No network: each code is checked on this device.");
        await ScanAsync(gate, first);
        await Assertions.Expect(Verdict(gate, "Admitted")).ToContainTextAsync("Admit one");
        await Assertions.Expect(said).ToContainTextAsync("Admit. Admit one");
        await Assertions.Expect(gate.Locator("#code")).ToBeFocusedAsync();
        await Assertions.Expect(state).ToContainTextAsync("1 admission waits to sync.");

        await ScanAsync(gate, first);
        await Assertions.Expect(Verdict(gate, "AlreadyAdmitted")).ToContainTextAsync("Already admitted at");
        await Assertions.Expect(Verdict(gate, "AlreadyAdmitted")).ToContainTextAsync("at East gate, on this device (offline)");
        await Assertions.Expect(said).ToContainTextAsync("Do not admit. Already admitted at");

        await ScanAsync(gate, forged);
        await Assertions.Expect(Verdict(gate, "NotGenuine")).ToContainTextAsync("not a genuine ticket");
        await ScanAsync(gate, "not-a-ticket");
        await Assertions.Expect(Verdict(gate, "Unreadable")).ToContainTextAsync("Do not admit");

        await ScanAsync(gate, second);
        await Assertions.Expect(Verdict(gate, "Admitted")).ToBeVisibleAsync();
        await Assertions.Expect(state).ToContainTextAsync("2 admissions wait to sync.");
        await Axe.AssertNoViolationsAsync(gate);

        // The browser reloads with no network: the page comes from the service worker, the list and the queue from the device.
        // The operator also chose to work offline: Chromium's emulated offline does not cover every request of a page
        // its service worker controls, and the server must not hear from this gate before the test brings it back.
        await gate.Locator("[data-offline-toggle]").ClickAsync();
        await gate.ReloadAsync();
        await Assertions.Expect(state).ToContainTextAsync("2 admissions wait to sync.");
        await Assertions.Expect(state).ToContainTextAsync("Working offline");
        await ScanAsync(gate, first);
        await Assertions.Expect(Verdict(gate, "AlreadyAdmitted")).ToContainTextAsync("at East gate, on this device (offline)");

        // Meanwhile the north gate, online, admits the second ticket through the server.
        await using var north = await site.NewContextAsync("scanner");
        var other = await north.NewPageAsync();
        await other.GotoAsync($"/scan?event={eventId}");
        await other.Locator("#gate").FillAsync("North gate");
        await ScanAsync(other, second);
        await Assertions.Expect(Verdict(other, "Admitted")).ToContainTextAsync("Admit one");

        await using (var scope = site.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            Assert.Null((await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == tickets[0])).CheckedInAt);
        }

        // Back online, and back to the server's checks: the page syncs by itself and lists what the server refused.
        await east.SetOfflineAsync(false);
        await gate.Locator("[data-offline-toggle]").ClickAsync();
        var report = gate.Locator("[data-offline-report]");
        await Assertions.Expect(report).ToContainTextAsync("Synced 2 admissions: 1 recorded, 1 conflict");
        await Assertions.Expect(said).ToContainTextAsync("Synced 2 admissions");
        var conflict = gate.Locator($"[data-offline-conflicts] li[data-ticket-id='{tickets[1]}']");
        await Assertions.Expect(conflict).ToContainTextAsync("Conflict: already admitted online at North gate");
        await Assertions.Expect(gate.Locator("[data-offline-conflicts] li")).ToHaveCountAsync(1);
        await Assertions.Expect(state).ToContainTextAsync("Online: each code is checked by the server. Ticket list for offline checks downloaded at");
        await Assertions.Expect(state).ToContainTextAsync("Nothing waits to sync.");
        await Axe.AssertNoViolationsAsync(gate);

        await using (var scope = site.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            var admitted = await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == tickets[0]);
            Assert.NotNull(admitted.CheckedInAt);
            Assert.Equal("East gate", admitted.CheckedInGate);
            Assert.True(admitted.CheckedInOffline);
            var elsewhere = await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == tickets[1]);
            Assert.Equal("North gate", elsewhere.CheckedInGate);
            Assert.False(elsewhere.CheckedInOffline);
        }

        // Working offline by choice (keyboard): the device still remembers what it admitted.
        await gate.Locator("[data-offline-toggle]").FocusAsync();
        await gate.Keyboard.PressAsync("Enter");
        await Assertions.Expect(gate.Locator("[data-offline-toggle]")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(state).ToContainTextAsync("Working offline: each code is checked on this device.");
        await ScanAsync(gate, first);
        await Assertions.Expect(Verdict(gate, "AlreadyAdmitted")).ToContainTextAsync("on this device (offline)");
        // For the conflict the device now reports the server's first admission, not its own.
        await ScanAsync(gate, second);
        await Assertions.Expect(Verdict(gate, "AlreadyAdmitted")).ToContainTextAsync("at North gate (the server's record)");
    }

    [Fact]
    public async Task Offline_a_gate_checks_the_live_code_of_an_event_that_requires_rotating_codes()
    {
        var (eventId, tickets) = await IssueTonightAsync(RotatingShow, 1);
        await using var buyer = await site.NewContextAsync("buyer");
        var printed = await CodeAsync(buyer, tickets[0]);
        await using var organizer = await site.NewContextAsync("organizer");
        var required = await organizer.APIRequest.PutAsync($"/api/organizer/events/{eventId}/ticketing", new() { DataObject = new { requireRotatingCodes = true } });
        Assert.True(required.Ok, await required.TextAsync());

        await using var east = await site.NewContextAsync("scanner", width: 320, height: 640);
        var gate = await east.NewPageAsync();
        await gate.GotoAsync($"/scan?event={eventId}");
        await Assertions.Expect(gate.Locator("[data-offline-state]")).ToContainTextAsync("Ticket list for offline checks downloaded at");
        await east.SetOfflineAsync(true);
        await Assertions.Expect(gate.Locator("[data-offline-state]")).ToContainTextAsync("No network");

        await ScanAsync(gate, printed);
        await Assertions.Expect(Verdict(gate, "RotatingCodeRequired")).ToContainTextAsync("only the live code");
        // The live code from the holder's phone, fetched now: its 15-second step is current.
        var live = await CodeAsync(buyer, tickets[0]);
        Assert.Equal(174, live.Length);
        // A character of the 6-byte MAC changed: the signed part is genuine, the time part is not the ticket's.
        var replayed = live[..168] + (live[168] == 'A' ? 'B' : 'A') + live[169..];
        await ScanAsync(gate, replayed);
        await Assertions.Expect(Verdict(gate, "CodeExpired")).ToContainTextAsync("This code has expired");
        await ScanAsync(gate, live);
        await Assertions.Expect(Verdict(gate, "Admitted")).ToContainTextAsync("Admit one");
        Assert.True(await gate.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "The page scrolls sideways at 320 px.");
        await Axe.AssertNoViolationsAsync(gate);

        await east.SetOfflineAsync(false);
        await Assertions.Expect(gate.Locator("[data-offline-report]")).ToContainTextAsync("Synced 1 admission: 1 recorded, 0 conflicts");
        await using var scope = site.Services.CreateAsyncScope();
        var admitted = await scope.ServiceProvider.GetRequiredService<TicketsDbContext>().Tickets.AsNoTracking().SingleAsync(t => t.Id == tickets[0]);
        Assert.True(admitted.CheckedInOffline);
    }

    /// <summary>
    /// A session of the scanner's own: signing out ends the session on the server, so the sign-out
    /// tests must not end the one the other tests share.
    /// </summary>
    async Task<IBrowserContext> OwnScannerSessionAsync()
    {
        var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        var email = EncoreSite.EmailOf("scanner");
        await EncoreSite.SignInAsync(page, email, EncoreSite.DemoPassword);
        // A browser the account has not used before is asked for the emailed code once it has others.
        if (new Uri(page.Url).AbsolutePath == EncoreSite.StepUpPath)
        {
            await site.CompleteStepUpAsync(page, email);
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != EncoreSite.StepUpPath);
        }
        await page.CloseAsync();
        return context;
    }

    static Task<string[]> DatabasesAsync(IPage page) =>
        page.EvaluateAsync<string[]>("async () => (await indexedDB.databases()).map(d => d.name)");

    [Fact]
    public async Task Signing_out_of_a_gate_with_an_unsynced_admission_warns_first_and_then_leaves_nothing_on_the_device()
    {
        var (eventId, tickets) = await IssueTonightAsync(Show, 1);
        await using var buyer = await site.NewContextAsync("buyer");
        var code = await CodeAsync(buyer, tickets[0]);

        await using var shared = await OwnScannerSessionAsync();
        var gate = await shared.NewPageAsync();
        await gate.GotoAsync($"/scan?event={eventId}");
        var state = gate.Locator("[data-offline-state]");
        await Assertions.Expect(state).ToContainTextAsync("Ticket list for offline checks downloaded at");
        // Working offline by choice keeps the network, so the sign-out itself reaches the server.
        await gate.Locator("[data-offline-toggle]").ClickAsync();
        await ScanAsync(gate, code);
        await Assertions.Expect(Verdict(gate, "Admitted")).ToBeVisibleAsync();
        await Assertions.Expect(state).ToContainTextAsync("1 admission waits to sync.");

        var signOut = gate.Locator("header").GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        await signOut.ClickAsync();
        var warning = gate.Locator("[data-sign-out-warning]");
        await Assertions.Expect(warning).ToContainTextAsync("1 admission has not reached the server");
        await Assertions.Expect(warning).ToContainTextAsync("could then be admitted again at another gate");
        await Assertions.Expect(gate.Locator("#sign-out-warning-title")).ToBeFocusedAsync();
        await Axe.AssertNoViolationsAsync(gate);

        // Staying keeps everything: still signed in, the admission still waiting.
        await warning.GetByRole(AriaRole.Button, new() { Name = "Stay signed in" }).ClickAsync();
        await Assertions.Expect(warning).ToHaveCountAsync(0);
        await Assertions.Expect(signOut).ToBeFocusedAsync();
        Assert.Contains("encore-scanner", await DatabasesAsync(gate));

        await signOut.ClickAsync();
        await gate.Locator("[data-sign-out-warning]").GetByRole(AriaRole.Button, new() { Name = "Sign out anyway" }).ClickAsync();
        await Assertions.Expect(gate.Locator("header").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain("encore-scanner", await DatabasesAsync(gate));
        Assert.Null(await gate.EvaluateAsync<string?>("() => localStorage.getItem('encore.scanner.work-offline')"));
        Assert.Equal(0, await gate.EvaluateAsync<int>("async () => (await navigator.serviceWorker.getRegistrations()).length"));
    }

    [Fact]
    public async Task Signing_out_of_a_gate_with_everything_synced_removes_the_ticket_list_without_asking()
    {
        var (eventId, tickets) = await IssueTonightAsync(Show, 1);
        await using var buyer = await site.NewContextAsync("buyer");
        var code = await CodeAsync(buyer, tickets[0]);

        await using var shared = await OwnScannerSessionAsync();
        var gate = await shared.NewPageAsync();
        await gate.GotoAsync($"/scan?event={eventId}");
        await Assertions.Expect(gate.Locator("[data-offline-state]")).ToContainTextAsync("Ticket list for offline checks downloaded at");
        await ScanAsync(gate, code);
        await Assertions.Expect(Verdict(gate, "Admitted")).ToBeVisibleAsync();
        Assert.Contains("encore-scanner", await DatabasesAsync(gate));

        // From another page than the scanner's: the layout's sign-out does the same for staff with the scanner role.
        await gate.GotoAsync("/account");
        var loggedOut = gate.WaitForResponseAsync(r => r.Url.EndsWith("/account/logout", StringComparison.Ordinal));
        await gate.Locator("header").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The server empties the browser's storage as well, for a browser without the script.
        Assert.Equal("\"storage\"", (await (await loggedOut).AllHeadersAsync())["clear-site-data"]);
        await Assertions.Expect(gate.Locator("header").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(gate.Locator("[data-sign-out-warning]")).ToHaveCountAsync(0);
        Assert.DoesNotContain("encore-scanner", await DatabasesAsync(gate));
    }
}
