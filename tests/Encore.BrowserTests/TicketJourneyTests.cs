using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.Catalog;
using Encore.Contracts.Orders;
using Encore.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Encore.BrowserTests.KeyboardFocus;

namespace Encore.BrowserTests;

/// <summary>
/// A buyer opens a ticket with the keyboard and reads its code; gate staff type that code into the
/// scanner page and hear the verdict. Axe checks both pages with real content.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class TicketJourneyTests(EncoreSite site)
{
    const string Club = "aurora-skies-winter-tour";

    /// <summary>A paid standing place for the demo buyer, as Orders would announce it; returns the ticket's id once issued.</summary>
    async Task<(Guid TicketId, Guid EventId)> IssueAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };
        var ev = (await http.GetFromJsonAsync<JsonObject>($"/api/events/{Club}"))!;
        var eventId = (ev["event"] ?? ev)["id"]!.GetValue<Guid>();
        var performanceId = (ev["event"] ?? ev)["performances"]![0]!["id"]!.GetValue<Guid>();
        await using var scope = site.Services.CreateAsyncScope();
        var schedule = (await scope.ServiceProvider.GetRequiredService<ICatalogSchedule>().GetPerformanceScheduleAsync(performanceId, CancellationToken.None))!;
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Identity.EncoreUser>>();
        var buyer = (await users.FindByEmailAsync(EncoreSite.EmailOf("buyer")))!;
        var admission = Guid.NewGuid();
        var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
        db.AddToOutbox(new OrderPaid(Guid.NewGuid(), buyer.Id, buyer.Email!, "Demo Buyer", schedule.OrganizerId, eventId, performanceId, "GBP",
            [new PaidAdmission(admission, null, "FLOOR", null, null, Guid.NewGuid(), "Standing", 3500)], DateTimeOffset.UtcNow), TimeProvider.System);
        await db.SaveChangesAsync();
        for (var i = 0; i < 300; i++)
        {
            if (await db.Tickets.AsNoTracking().Where(t => t.AdmissionId == admission).Select(t => (Guid?)t.Id).SingleOrDefaultAsync() is { } id)
                return (id, eventId);
            await Task.Delay(100);
        }
        throw new TimeoutException("The ticket was not issued.");
    }

    [Fact]
    public async Task A_keyboard_user_opens_a_ticket_and_the_gate_types_its_code_into_the_scanner_page()
    {
        var (ticketId, eventId) = await IssueAsync();

        await using var buyer = await site.NewContextAsync("buyer");
        var page = await buyer.NewPageAsync();
        await page.GotoAsync("/account/tickets");
        await Axe.AssertNoViolationsAsync(page);
        await TabToAsync(page, "e.getAttribute('href')", $"/account/tickets/{ticketId}");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/account/tickets/{ticketId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Ticket code for Standing (standing, FLOOR)" })).ToBeVisibleAsync();
        await TabToAsync(page, "e.tagName", "SUMMARY");
        await page.Keyboard.PressAsync("Enter");
        var code = (await page.Locator("[data-code-text]").TextContentAsync())!.Trim();
        Assert.True(code.Length >= 160, code);
        await Axe.AssertNoViolationsAsync(page);

        await using var gate = await site.NewContextAsync("scanner");
        var scan = await gate.NewPageAsync();
        await scan.GotoAsync("/scan");
        await TabToAsync(scan, "e.getAttribute('href')", $"/scan?event={eventId}");
        await scan.Keyboard.PressAsync("Enter");
        await scan.WaitForURLAsync(url => url.Contains($"event={eventId}", StringComparison.Ordinal));
        await Axe.AssertNoViolationsAsync(scan);
        // The code field has focus on arrival, so a handheld wedge scanner or a person types straight in.
        Assert.Equal("code", await Focused(scan, "e.id"));
        await scan.Keyboard.TypeAsync(code);
        await scan.Keyboard.PressAsync("Enter");
        // The demo show is weeks away: the verdict is "do not admit, doors open at …", said in the status region.
        await Assertions.Expect(scan.Locator("[data-scan-verdict]")).ToContainTextAsync("Do not admit");
        await Assertions.Expect(scan.Locator("[role=status][data-scan-announce]")).ToContainTextAsync("Doors open");
        Assert.Equal("code", await Focused(scan, "e.id"));
        await Axe.AssertNoViolationsAsync(scan);
    }
}
