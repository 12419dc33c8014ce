using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Orders;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Tickets.Codes;
using Encore.Tickets.Issuance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Tickets;

/// <summary>A gate's night: the doors, duplicates, forgeries, reissues, key rotation and the rotating display mode.</summary>
public sealed class ScanningTests
{
    /// <summary>An app on a clock the test moves, an event, and a buyer holding the given seats.</summary>
    /// <remarks>Bearer tokens expire on the app's clock: after moving it, sign in again (<c>app.SignedInAsync(paid.BuyerEmail)</c>).</remarks>
    internal static async Task<(EncoreAppFactory App, FakeTimeProvider Clock, TicketSale Sale, OrderPaid Paid, HttpClient Holder)> NightAsync(
        StorageProvider provider, params string[] seats)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = EncoreAppFactory.For(provider, seedDemo: true).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await app.SaleAsync(organizer);
        var buyer = await app.NewBuyerAccountAsync();
        var paid = TicketsHarness.Paid(sale, buyer, seats);
        await app.PublishAsync(paid);
        return (app, clock, sale, paid, await app.SignedInAsync(buyer.Email));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_ticket_admits_once_inside_the_doors_window_and_a_duplicate_says_when_and_where(StorageProvider provider)
    {
        var (app, clock, sale, paid, holder) = await NightAsync(provider, "A1", "A2");
        await using var _app = app;
        var ids = await holder.TicketIdsByPlaceAsync();
        var code = await holder.CodeAsync(ids[TicketsHarness.Seat("A1")]);

        var early = await app.SignedInAsync("scanner@encore.test");
        Assert.Equal("NotOpenYet", (await early.ScanAsync(sale.EventId, code, "North 1")).Outcome());

        var doors = sale.Schedule.DoorsAt.AddMinutes(5);
        clock.SetUtcNow(doors);
        var scanner = await app.SignedInAsync("scanner@encore.test");
        holder = await app.SignedInAsync(paid.BuyerEmail);
        var admitted = await scanner.ScanAsync(sale.EventId, code, "North 1");
        Assert.Equal("Admitted", admitted.Outcome());
        Assert.True(admitted["admitted"]!.GetValue<bool>());
        Assert.Equal(TicketsHarness.Seat("A1"), admitted["place"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromSeconds(40));
        var again = await scanner.ScanAsync(sale.EventId, code, "South 2");
        Assert.Equal("AlreadyAdmitted", again.Outcome());
        Assert.False(again["admitted"]!.GetValue<bool>());
        Assert.Equal("North 1", again["firstGate"]!.GetValue<string>());
        Assert.Equal(doors, again["firstScannedAt"]!.GetValue<DateTimeOffset>());

        // Forgeries and strangers' codes.
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(await holder.CodeAsync(ids[TicketsHarness.Seat("A2")]));
        bytes[10] ^= 0x40;
        Assert.Equal("NotGenuine", (await scanner.ScanAsync(sale.EventId, System.Buffers.Text.Base64Url.EncodeToString(bytes), "North 1")).Outcome());
        Assert.Equal("Unreadable", (await scanner.ScanAsync(sale.EventId, "https://example.com/not-a-ticket", "North 1")).Outcome());
        // At another event of the same organizer the code is someone else's; an event they do not work is not there at all.
        var elsewhere = await app.SaleAsync(await app.SignedInAsync("organizer@encore.test"));
        Assert.Equal("WrongEvent", (await scanner.ScanAsync(elsewhere.EventId, await holder.CodeAsync(ids[TicketsHarness.Seat("A2")]), "North 1")).Outcome());
        Assert.Equal(HttpStatusCode.NotFound, (await scanner.PostAsJsonAsync($"/api/scanner/events/{Guid.NewGuid()}/scans", new { code, gate = "North 1" })).StatusCode);

        // Bad requests are problems, not verdicts.
        var empty = await scanner.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/scans", new { code = "", gate = "North 1" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);

        // After the show, nobody gets in.
        clock.SetUtcNow(sale.Schedule.EndsAt.AddMinutes(1));
        var late = await app.SignedInAsync("scanner@encore.test");
        holder = await app.SignedInAsync(paid.BuyerEmail);
        Assert.Equal("Closed", (await late.ScanAsync(sale.EventId, await holder.CodeAsync(ids[TicketsHarness.Seat("A2")]), "North 1")).Outcome());
        // Buyers cannot scan.
        Assert.Equal(HttpStatusCode.Forbidden, (await holder.PostAsJsonAsync($"/api/scanner/events/{sale.EventId}/scans", new { code, gate = "x" })).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Reissued_refunded_and_retired_key_codes_stop_admitting_while_rotated_keys_keep_verifying(StorageProvider provider)
    {
        var (app, clock, sale, paid, holder) = await NightAsync(provider, "A1", "A2", "A3", "A4");
        await using var _app = app;
        var ids = await holder.TicketIdsByPlaceAsync();
        var codes = new Dictionary<string, string>();
        foreach (var seat in new[] { "A1", "A2", "A3", "A4" }) codes[seat] = await holder.CodeAsync(ids[TicketsHarness.Seat(seat)]);
        var firstKid = TicketToken.Parse(codes["A1"])!.Claims.KeyId;

        // A1 is resold: the new holder's code has generation 2, the old one is dead.
        Assert.Equal(2, await app.WithTicketsAsync(db => Reissue.ReissueAsync(db, ids[TicketsHarness.Seat("A1")], 1, null, null, CancellationToken.None)));
        var reissued = await holder.CodeAsync(ids[TicketsHarness.Seat("A1")]);
        Assert.Equal(2, TicketToken.Parse(reissued)!.Claims.Generation);
        // A2 is refunded.
        await app.PublishAsync(new AdmissionsRefunded(paid.OrderId, Guid.NewGuid(), sale.EventId, sale.PerformanceId,
            [paid.Admissions.Single(a => a.SeatLabel == "2").AdmissionId], false, DateTimeOffset.UtcNow));

        // The organizer starts a new key: new codes carry it, old ones still verify until the old key retires.
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var rotated = await organizer.PostAsync($"/api/organizer/events/{sale.EventId}/ticket-keys", null);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var newKid = (await rotated.ReadJsonAsync())["kid"]!.GetValue<string>();
        var jwks = await app.CreateClient().GetAsync($"/api/events/{sale.EventId}/ticket-keys");
        Assert.Equal(2, (await jwks.ReadJsonAsync())["keys"]!.AsArray().Count);
        Assert.Contains("max-age", jwks.Headers.CacheControl!.ToString());
        var a4New = await holder.CodeAsync(ids[TicketsHarness.Seat("A4")]);
        Assert.Equal(newKid, TicketKey.KidOf(TicketToken.Parse(a4New)!.Claims.KeyId));
        var retireActive = await organizer.DeleteAsync($"/api/organizer/events/{sale.EventId}/ticket-keys/{newKid}");
        Assert.Equal(HttpStatusCode.Conflict, retireActive.StatusCode);

        clock.SetUtcNow(sale.Schedule.DoorsAt.AddMinutes(1));
        var scanner = await app.SignedInAsync("scanner@encore.test");
        holder = await app.SignedInAsync(paid.BuyerEmail);
        Assert.Equal("Superseded", (await scanner.ScanAsync(sale.EventId, codes["A1"], "Gate 1")).Outcome());
        Assert.Equal("Admitted", (await scanner.ScanAsync(sale.EventId, reissued, "Gate 1")).Outcome());
        Assert.Equal("Voided", (await scanner.ScanAsync(sale.EventId, codes["A2"], "Gate 1")).Outcome());
        Assert.Equal("Admitted", (await scanner.ScanAsync(sale.EventId, codes["A3"], "Gate 1")).Outcome());

        organizer = await app.SignedInAsync("organizer@encore.test");
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/organizer/events/{sale.EventId}/ticket-keys/{TicketKey.KidOf(firstKid)}")).StatusCode);
        Assert.Single((await (await app.CreateClient().GetAsync($"/api/events/{sale.EventId}/ticket-keys")).ReadJsonAsync())["keys"]!.AsArray());
        Assert.Equal("KeyRetired", (await scanner.ScanAsync(sale.EventId, codes["A4"], "Gate 1")).Outcome());
        Assert.Equal("Admitted", (await scanner.ScanAsync(sale.EventId, a4New, "Gate 1")).Outcome());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task When_the_event_requires_rotating_codes_a_printout_or_an_old_screenshot_is_refused(StorageProvider provider)
    {
        var (app, clock, sale, paid, holder) = await NightAsync(provider, "B1", "B2");
        await using var _app = app;
        var ids = await holder.TicketIdsByPlaceAsync();
        var printed = await holder.CodeAsync(ids[TicketsHarness.Seat("B1")]);

        var organizer = await app.SignedInAsync("organizer@encore.test");
        var put = await organizer.PutAsJsonAsync($"/api/organizer/events/{sale.EventId}/ticketing", new { requireRotatingCodes = true });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True((await put.ReadJsonAsync())["requireRotatingCodes"]!.GetValue<bool>());

        clock.SetUtcNow(sale.Schedule.DoorsAt.AddMinutes(2));
        var scanner = await app.SignedInAsync("scanner@encore.test");
        holder = await app.SignedInAsync(paid.BuyerEmail);
        Assert.Equal("RotatingCodeRequired", (await scanner.ScanAsync(sale.EventId, printed, "Gate 1")).Outcome());

        var live = await (await holder.GetAsync($"/api/tickets/{ids[TicketsHarness.Seat("B1")]}/code")).ReadJsonAsync();
        Assert.True(live["rotating"]!.GetValue<bool>());
        Assert.True(live["refreshAt"]!.GetValue<DateTimeOffset>() > clock.GetUtcNow());
        var screenshot = await holder.CodeAsync(ids[TicketsHarness.Seat("B2")]);
        Assert.Equal("Admitted", (await scanner.ScanAsync(sale.EventId, live["code"]!.GetValue<string>(), "Gate 1")).Outcome());

        // Half a minute later the screenshot of B2's screen is two steps old.
        clock.Advance(TimeSpan.FromSeconds(2 * DisplayCode.StepSeconds));
        Assert.Equal("CodeExpired", (await scanner.ScanAsync(sale.EventId, screenshot, "Gate 1")).Outcome());
        Assert.Equal("Admitted", (await scanner.ScanAsync(sale.EventId, await holder.CodeAsync(ids[TicketsHarness.Seat("B2")]), "Gate 1")).Outcome());
    }
}
