using System.Net;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Tax;
using Encore.Tax;
using Encore.Tax.Invoices;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Tax;

/// <summary>
/// Invoices are written unnumbered and numbered together with the seller's other waiting invoices:
/// one an issuer wrote and never numbered (its instance stopped) is numbered by the next issue of
/// the seller or by its own redelivery, nobody sees it before, and numbers stay gapless.
/// </summary>
public sealed class InvoiceNumberingTests
{
    static InvoiceRequest Request(Guid seller, string reference) => new(seller, reference,
        new InvoiceParty("Rhein Konzerte GmbH", "Konzertplatz 1\n10117 Berlin", "DE", "DE123456789"),
        new InvoiceParty("Camille Martin", "camille@example.test", "FR"), "EUR",
        [new InvoiceLine("Admission: Summer Night", 1, 4_673, 70_000, 327)]);

    /// <summary>What an issuer that stopped after writing leaves behind: the invoice, without a number.</summary>
    static async Task<Guid> StrandAsync(EncoreAppFactory app, Guid seller, string reference)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var issuer = scope.ServiceProvider.GetRequiredService<InvoiceIssuer>();
        var db = scope.ServiceProvider.GetRequiredService<TaxDbContext>();
        // Issue it, then take its number back as the stopped issuer's rolled-back transaction would have.
        var issued = await issuer.IssueAsync(Request(seller, reference), CancellationToken.None);
        await db.Invoices.Where(i => i.Id == issued.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.Sequence, (long?)null).SetProperty(i => i.Number, ""));
        await db.Sequences.Where(s => s.SellerId == seller).ExecuteUpdateAsync(s => s.SetProperty(q => q.LastNumber, q => q.LastNumber - 1));
        return issued.Id;
    }

    static async Task<List<(string Reference, long? Sequence)>> NumbersAsync(EncoreAppFactory app, Guid seller)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TaxDbContext>();
        var rows = await db.Invoices.AsNoTracking().Where(i => i.SellerId == seller).Select(i => new { i.SourceReference, i.Sequence }).ToListAsync();
        return rows.Select(r => (r.SourceReference, r.Sequence)).OrderBy(r => r.Sequence).ToList();
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_invoice_left_unnumbered_is_not_shown_and_the_sellers_next_invoice_numbers_it_first(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var admin = await app.SignedInAsync("admin@encore.test");
        var seller = Guid.NewGuid();
        var stranded = await StrandAsync(app, seller, "order:stranded");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/admin/tax/invoices/{stranded}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/admin/tax/invoices/{stranded}/pdf")).StatusCode);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var next = await scope.ServiceProvider.GetRequiredService<InvoiceIssuer>().IssueAsync(Request(seller, "order:next"), CancellationToken.None);
            Assert.Equal((2L, "000002"), (next.Sequence, next.Number));
        }
        Assert.Equal([("order:stranded", 1L), ("order:next", 2L)], await NumbersAsync(app, seller));
        var shown = await admin.GetAsync($"/api/admin/tax/invoices/{stranded}");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("\"number\":\"000001\"", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_redelivered_request_numbers_its_own_stranded_invoice_and_answers_it_as_a_replay(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var seller = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InvoiceIssuer>().IssueAsync(Request(seller, "order:first"), CancellationToken.None);
        var stranded = await StrandAsync(app, seller, "order:stranded");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var issuer = scope.ServiceProvider.GetRequiredService<InvoiceIssuer>();
            var (invoice, replayed) = await issuer.IssueOrReplayAsync(Request(seller, "order:stranded"), CancellationToken.None);
            Assert.True(replayed);
            Assert.Equal((stranded, 2L), (invoice.Id, invoice.Sequence));
            // Once numbered it keeps its number.
            Assert.Equal(2L, (await issuer.IssueAsync(Request(seller, "order:stranded"), CancellationToken.None)).Sequence);
            await Assert.ThrowsAsync<InvoiceRequestException>(() => issuer.IssueAsync(Request(seller, "order:stranded") with { Currency = "GBP" }, CancellationToken.None));
        }
        Assert.Equal([("order:first", 1L), ("order:stranded", 2L)], await NumbersAsync(app, seller));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task More_waiting_invoices_than_one_pass_numbers_are_all_numbered_oldest_first(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var seller = Guid.NewGuid();
        var waiting = InvoiceIssuer.NumberingBatch + 20;
        var written = new List<(Guid Id, string Reference)>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // As if that many issuers had written theirs and stopped before numbering.
            var db = scope.ServiceProvider.GetRequiredService<TaxDbContext>();
            for (var i = 1; i <= waiting; i++)
            {
                written.Add((Guid.CreateVersion7(), $"order:{i:D4}"));
                db.Invoices.Add(new Invoice
                {
                    Id = written[^1].Id, SellerId = seller, SourceReference = written[^1].Reference, RequestHash = "written-directly",
                    IssuedAt = DateTimeOffset.UnixEpoch, Currency = "EUR", Seller = "{}", Buyer = "{}", Lines = "[]",
                });
            }
            await db.SaveChangesAsync();
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var last = await scope.ServiceProvider.GetRequiredService<InvoiceIssuer>().IssueAsync(Request(seller, "order:last"), CancellationToken.None);
            Assert.Equal(waiting + 1, last.Sequence);
        }
        var numbers = await NumbersAsync(app, seller);
        Assert.Equal(Enumerable.Range(1, waiting + 1).Select(n => (long?)n), numbers.Select(n => n.Sequence));
        // Oldest first is id order: version 7 ids begin with their time (both databases compare them as their text reads).
        var oldestFirst = written.OrderBy(w => w.Id.ToString("D"), StringComparer.Ordinal).Select(w => w.Reference).Append("order:last");
        Assert.Equal(oldestFirst, numbers.Select(n => n.Reference));
    }
}
