using Encore.Contracts.Identity;
using Encore.Orders;
using Encore.Orders.Http;
using Encore.Tax;
using Encore.Tax.Invoices;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Hosting;

/// <summary>
/// A buyer's own invoice, linked from the orders pages: Orders says whose order it is, Tax renders
/// the invoice it issued for it. Anyone else's answers 404.
/// </summary>
internal static class OrderInvoices
{
    public static WebApplication MapOrderInvoices(this WebApplication app)
    {
        app.MapGet("/orders/{orderId:guid}/invoice", (Guid orderId, HttpContext http, OrdersDbContext orders, TaxDbContext tax, CancellationToken ct) =>
                RenderAsync(orderId, http, orders, tax, pdf: false, ct))
            .RequireAuthorization(Policies.SignedIn).ExcludeFromDescription();
        app.MapGet("/orders/{orderId:guid}/invoice.pdf", (Guid orderId, HttpContext http, OrdersDbContext orders, TaxDbContext tax, CancellationToken ct) =>
                RenderAsync(orderId, http, orders, tax, pdf: true, ct))
            .RequireAuthorization(Policies.SignedIn).ExcludeFromDescription();
        return app;
    }

    static async Task<IResult> RenderAsync(Guid orderId, HttpContext http, OrdersDbContext orders, TaxDbContext tax, bool pdf, CancellationToken ct)
    {
        var buyerId = Buyer.IdOf(http.User);
        var invoiceId = await orders.Orders.AsNoTracking().Where(o => o.Id == orderId && o.BuyerId == buyerId).Select(o => o.InvoiceId).SingleOrDefaultAsync(ct);
        var invoice = invoiceId is null ? null : await tax.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null) return TypedResults.NotFound();
        var document = InvoiceDocument.From(invoice);
        return pdf
            ? TypedResults.File(InvoicePdf.Render(document), "application/pdf", $"invoice-{document.Number}.pdf")
            : TypedResults.Content(InvoiceHtml.Render(document), "text/html; charset=utf-8");
    }
}
