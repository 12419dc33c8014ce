using Encore.BuildingBlocks.Http;
using Encore.Contracts.Tax;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tax.Invoices;

/// <summary>
/// Issue an invoice from the input model Orders will use, and read it back as JSON, HTML or PDF.
/// Issuing is idempotent on (seller, sourceReference): the same request answers the same invoice
/// (200, Idempotent-Replayed), other content under that reference answers 422.
/// </summary>
internal static class InvoiceEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/invoices", Issue).WithName("IssueInvoice").WithSummary("Issue a VAT invoice with the seller's next number.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/invoices/{id:guid}", Get).WithName("GetInvoice");
        admin.MapGet("/invoices/{id:guid}/html", Html).WithName("GetInvoiceHtml").Produces(StatusCodes.Status200OK, contentType: "text/html");
        admin.MapGet("/invoices/{id:guid}/pdf", Pdf).WithName("GetInvoicePdf").Produces(StatusCodes.Status200OK, contentType: "application/pdf");
    }

    static async Task<Results<Created<IssuedInvoice>, Ok<IssuedInvoice>, ProblemHttpResult>> Issue(
        InvoiceRequest request, InvoiceIssuer issuer, HttpContext http, CancellationToken ct)
    {
        try
        {
            InvoiceIssuer.Validate(request);
        }
        catch (InvoiceRequestException ex)
        {
            return TypedResults.Problem(title: "Invalid invoice", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            var (invoice, replayed) = await issuer.IssueOrReplayAsync(request, ct);
            if (!replayed) return TypedResults.Created($"/api/admin/tax/invoices/{invoice.Id}", invoice);
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(invoice);
        }
        catch (InvoiceRequestException ex)
        {
            return TypedResults.Problem(title: "Reference already used", detail: ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    static async Task<Results<Ok<InvoiceDocument>, ProblemHttpResult>> Get(Guid id, TaxDbContext db, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } d ? TypedResults.Ok(d) : Problems.NotFound("No such invoice.");

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> Html(Guid id, TaxDbContext db, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } d ? TypedResults.Content(InvoiceHtml.Render(d), "text/html; charset=utf-8") : Problems.NotFound("No such invoice.");

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf(Guid id, TaxDbContext db, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } d ? TypedResults.File(InvoicePdf.Render(d), "application/pdf", $"invoice-{d.Number}.pdf") : Problems.NotFound("No such invoice.");

    // An invoice not yet numbered is not issued yet.
    static async Task<InvoiceDocument?> FindAsync(TaxDbContext db, Guid id, CancellationToken ct) =>
        await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && i.Sequence != null, ct) is { } invoice ? InvoiceDocument.From(invoice) : null;
}
