using System.Net;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Orders;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Tickets.Issuance;
using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tests.Tickets;

/// <summary>A paid order becomes one ticket per admission, exactly once, whatever the delivery does; a refund voids them.</summary>
public sealed class IssuanceTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_paid_order_gets_one_ticket_per_admission_once_and_one_confirmation_mail(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await app.SaleAsync(organizer);
        var buyer = await app.NewBuyerAccountAsync();
        var paid = TicketsHarness.Paid(sale, buyer, ["A1", "A2"], standing: 2);

        var first = await app.PublishAsync(paid);
        // Orders announces the same order again (a retried confirm), and the relay redelivers the first message.
        await app.PublishAsync(paid);
        await app.RedeliverAsync(paid, first);
        // Two copies racing in two consumers: one may lose on the unique admission id; its retry issues nothing.
        var race = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try { await app.RedeliverAsync(paid, Guid.NewGuid()); return true; }
            catch (DbUpdateException) { return false; }
        }));
        if (race.Contains(false)) await app.RedeliverAsync(paid, Guid.NewGuid());
        await app.DeliverAsync();

        var tickets = await app.WithTicketsAsync(db => db.Tickets.AsNoTracking().Where(t => t.OrderId == paid.OrderId).ToListAsync());
        Assert.Equal(4, tickets.Count);
        Assert.Equal(paid.Admissions.Select(a => a.AdmissionId).Order(), tickets.Select(t => t.AdmissionId).Order());
        Assert.All(tickets, t => Assert.Equal((1, TicketStatus.Valid, buyer.Id), (t.Generation, t.Status, t.HolderId)));

        var mails = app.Service<DevelopmentMailbox>().Newest().Where(m => m.Message.To == buyer.Email).ToList();
        var mail = Assert.Single(mails).Message;
        Assert.Contains("Test Hall", mail.TextBody);
        Assert.Equal(4, mail.Attachments.Count(a => a.ContentType == "image/png" && a.ContentId is not null));
        var pdf = Assert.Single(mail.Attachments, a => a.ContentType == "application/pdf");
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf.Content, 0, 4));
        foreach (var png in mail.Attachments.Where(a => a.ContentId is not null))
            Assert.Contains($"cid:{png.ContentId}", mail.HtmlBody);

        // The holder sees them, with a QR image, a code and a PDF; nobody else does.
        var holder = await app.SignedInAsync(buyer.Email);
        var mine = await holder.TicketsAsync();
        Assert.Equal(4, mine.Count);
        Assert.All(mine, t => Assert.Equal("Valid", t["state"]!.GetValue<string>()));
        var seat = (await holder.TicketIdsByPlaceAsync())[TicketsHarness.Seat("A1")];
        var svg = await holder.GetAsync($"/api/tickets/{seat}/qr.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<path", await svg.Content.ReadAsStringAsync());
        var ticketPdf = await holder.GetAsync($"/api/tickets/{seat}/pdf");
        Assert.Equal("application/pdf", ticketPdf.Content.Headers.ContentType?.MediaType);
        var stranger = await app.NewBuyerAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/tickets/{seat}/code")).StatusCode);
        Assert.Empty(await stranger.TicketsAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_refund_voids_the_refunded_admissions_tickets_only(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await app.SaleAsync(organizer);
        var buyer = await app.NewBuyerAccountAsync();
        var paid = TicketsHarness.Paid(sale, buyer, ["B1", "B2"]);
        await app.PublishAsync(paid);

        var refunded = paid.Admissions[0].AdmissionId;
        var refund = new AdmissionsRefunded(paid.OrderId, Guid.NewGuid(), sale.EventId, sale.PerformanceId, [refunded], false, DateTimeOffset.UtcNow);
        await app.PublishAsync(refund);
        await app.PublishAsync(refund);

        var tickets = await app.WithTicketsAsync(db => db.Tickets.AsNoTracking().Where(t => t.OrderId == paid.OrderId).ToListAsync());
        Assert.Equal(TicketStatus.Voided, tickets.Single(t => t.AdmissionId == refunded).Status);
        Assert.Equal(TicketStatus.Valid, tickets.Single(t => t.AdmissionId != refunded).Status);

        var holder = await app.SignedInAsync(buyer.Email);
        var byPlace = await holder.TicketIdsByPlaceAsync();
        Assert.Equal(HttpStatusCode.Gone, (await holder.GetAsync($"/api/tickets/{byPlace[TicketsHarness.Seat("B1")]}/code")).StatusCode);
        Assert.Equal("Refunded", (await holder.TicketsAsync()).Single(t => t["place"]!.GetValue<string>() == TicketsHarness.Seat("B1"))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reissue_bumps_the_generation_once_and_only_for_the_expected_generation()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await app.SaleAsync(organizer);
        var buyer = await app.NewBuyerAccountAsync();
        var paid = TicketsHarness.Paid(sale, buyer, ["A5"]);
        await app.PublishAsync(paid);
        var ticket = await app.WithTicketsAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.OrderId == paid.OrderId));
        var newHolder = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            app.WithTicketsAsync(db => Reissue.ReissueAsync(db, ticket.Id, 1, newHolder, "New Holder", CancellationToken.None))));
        Assert.Single(results, r => r == 2);
        Assert.Equal(4, results.Count(r => r is null));

        var after = await app.WithTicketsAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticket.Id));
        Assert.Equal((2, newHolder, "New Holder"), (after.Generation, after.HolderId, after.HolderName));
        Assert.Equal(3, await app.WithTicketsAsync(db => Reissue.ReissueAsync(db, ticket.Id, 2, null, null, CancellationToken.None)));
        Assert.Equal(newHolder, (await app.WithTicketsAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticket.Id))).HolderId);
    }
}
