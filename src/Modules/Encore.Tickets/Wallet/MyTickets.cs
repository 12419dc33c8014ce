using System.Security.Claims;
using Encore.Tickets.Codes;
using Encore.Tickets.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Tickets.Wallet;

/// <summary>The holder's tickets over the API: list, one ticket with its current code, its QR image, its PDF.</summary>
internal static class MyTickets
{
    internal sealed record TicketSummary(
        Guid Id, Guid OrderId, Guid EventId, Guid PerformanceId, string EventTitle, string Venue, DateTimeOffset? StartsAt,
        string Place, string TierName, string State, int Generation, bool RotatingCode);

    /// <param name="Code">The code to show now (base64url; docs/tickets.md).</param>
    /// <param name="Rotating">The code changes every step; fetch it again at <paramref name="RefreshAt"/>.</param>
    /// <param name="RefreshAt">When a rotating code's step ends.</param>
    /// <param name="Svg">The code as an SVG QR image.</param>
    internal sealed record CurrentCode(string Code, bool Rotating, DateTimeOffset? RefreshAt, string Svg);

    public static void Map(RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/tickets", List).WithSummary("The signed-in holder's tickets");
        signedIn.MapGet("/tickets/{ticketId:guid}", Get).WithSummary("One of the holder's tickets");
        signedIn.MapGet("/tickets/{ticketId:guid}/code", Code).WithSummary("The code to show at the gate now (rotating codes change every 15 seconds)");
        signedIn.MapGet("/tickets/{ticketId:guid}/qr.svg", Qr).WithSummary("The current code as an SVG QR image").Produces(200, contentType: "image/svg+xml");
        signedIn.MapGet("/tickets/{ticketId:guid}/pdf", Pdf).WithSummary("The ticket as a PDF").Produces(200, contentType: "application/pdf");
    }

    static Guid? Holder(ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    internal static TicketSummary Summarize(WalletTicket w) => new(
        w.Ticket.Id, w.Ticket.OrderId, w.Ticket.EventId, w.Ticket.PerformanceId, w.Title, w.Where, w.Performance?.StartsAt,
        w.Ticket.Place, w.Ticket.TierName, w.State, w.Ticket.Generation, w.RequireRotatingCodes);

    static async Task<Ok<List<TicketSummary>>> List(ClaimsPrincipal user, TicketWallet wallet, CancellationToken ct) =>
        TypedResults.Ok(Holder(user) is { } holder ? (await wallet.ForHolderAsync(holder, ct)).Select(Summarize).ToList() : []);

    static async Task<Results<Ok<TicketSummary>, NotFound>> Get(Guid ticketId, ClaimsPrincipal user, TicketWallet wallet, CancellationToken ct) =>
        Holder(user) is { } holder && await wallet.FindAsync(holder, ticketId, ct) is { } w ? TypedResults.Ok(Summarize(w)) : TypedResults.NotFound();

    static async Task<Results<Ok<CurrentCode>, NotFound, ProblemHttpResult>> Code(Guid ticketId, ClaimsPrincipal user, HttpContext http, TicketWallet wallet, TicketCodes codes, CancellationToken ct)
    {
        if (Holder(user) is not { } holder || await wallet.FindAsync(holder, ticketId, ct) is not { } w) return TypedResults.NotFound();
        if (w.Ticket.Status == TicketStatus.Voided) return Gone();
        var shown = await codes.DisplayAsync(w.Ticket, ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CurrentCode(shown.Text, shown.Rotating, shown.RefreshAt, TicketQr.Svg(shown.Text, $"qr-title-{w.Ticket.Id:N}", $"Ticket code for {w.Ticket.Place}")));
    }

    static async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> Qr(Guid ticketId, ClaimsPrincipal user, HttpContext http, TicketWallet wallet, TicketCodes codes, CancellationToken ct)
    {
        if (Holder(user) is not { } holder || await wallet.FindAsync(holder, ticketId, ct) is not { } w) return TypedResults.NotFound();
        if (w.Ticket.Status == TicketStatus.Voided) return Gone();
        var shown = await codes.DisplayAsync(w.Ticket, ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(TicketQr.Svg(shown.Text, "qr-title", $"Ticket code for {w.Ticket.Place}")), "image/svg+xml");
    }

    static async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> Pdf(Guid ticketId, ClaimsPrincipal user, HttpContext http, TicketWallet wallet, TicketCodes codes, CancellationToken ct)
    {
        if (Holder(user) is not { } holder || await wallet.FindAsync(holder, ticketId, ct) is not { } w) return TypedResults.NotFound();
        if (w.Ticket.Status == TicketStatus.Voided) return Gone();
        var code = await codes.StaticAsync(w.Ticket, ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(TicketPdf.Render([(w, code?.Text)]), "application/pdf", $"ticket-{w.Ticket.Id:N}.pdf");
    }

    static ProblemHttpResult Gone() =>
        TypedResults.Problem(title: "Ticket refunded", detail: "This ticket was refunded or cancelled and admits no one.", statusCode: StatusCodes.Status410Gone);
}
