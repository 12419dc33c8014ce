using System.Net;
using System.Text;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Tickets;
using Encore.Tickets.Codes;
using Encore.Tickets.Model;
using Encore.Tickets.Wallet;

namespace Encore.Tickets.Mail;

/// <summary>
/// Mails the order confirmation with its tickets once they are issued: each QR inline in the HTML
/// body, all tickets in one PDF attachment. The inbox row commits after the send, so a crash in
/// between sends the mail again (at least once); a send that fails is retried by the relay.
/// </summary>
internal sealed class ConfirmationMail(TicketsDbContext db, TicketWallet wallet, TicketCodes codes, IEmailSender email, TimeProvider clock)
    : IIntegrationEventHandler<TicketsIssued>
{
    public const string Consumer = "tickets.confirmation-mail";

    public async Task HandleAsync(TicketsIssued e, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await db.TryRecordInboxAsync(context, Consumer, clock, ct)) return;
        var tickets = (await wallet.ByIdsAsync(e.TicketIds, ct)).Where(w => w.Ticket.Status == TicketStatus.Valid).ToList();
        if (tickets.Count > 0 && !string.IsNullOrWhiteSpace(e.BuyerEmail))
            await email.SendAsync(await ComposeAsync(e, tickets, ct), ct);
        await db.SaveChangesAsync(ct);
    }

    async Task<EmailMessage> ComposeAsync(TicketsIssued e, List<WalletTicket> tickets, CancellationToken ct)
    {
        var first = tickets[0];
        var printable = new List<(WalletTicket Ticket, string? Code)>();
        foreach (var w in tickets) printable.Add((w, (await codes.StaticAsync(w.Ticket, ct))?.Text));

        var text = new StringBuilder();
        text.AppendLine($"Hello {e.BuyerName},");
        text.AppendLine();
        text.AppendLine($"Your order for {first.Title} is confirmed: {tickets.Count} ticket{(tickets.Count == 1 ? "" : "s")}.");
        if (first.When.Length > 0) text.AppendLine($"{first.Where}, {first.When} (doors {first.Doors}).");
        text.AppendLine();
        foreach (var w in tickets) text.AppendLine($"- {w.Ticket.Place}, {w.Ticket.TierName}");
        text.AppendLine();
        text.AppendLine(first.RequireRotatingCodes
            ? "This event admits only the live code in your Encore account (it changes every 15 seconds): open /account/tickets at the gate."
            : "Your tickets are attached as a PDF and are also in your account at /account/tickets. Each code admits once.");
        text.AppendLine();
        text.AppendLine($"Order {e.OrderId:D}");

        var html = new StringBuilder();
        var attachments = new List<EmailAttachment>();
        // Each code is encoded once, for its PNG and for the PDF.
        var encoded = printable.Where(p => p.Code is not null).Select(p => p.Code!).Distinct(StringComparer.Ordinal)
            .ToDictionary(code => code, TicketQr.Encode, StringComparer.Ordinal);
        html.Append($"<p>Hello {H(e.BuyerName)},</p><p>Your order for <strong>{H(first.Title)}</strong> is confirmed: {tickets.Count} ticket{(tickets.Count == 1 ? "" : "s")}.</p>");
        if (first.When.Length > 0) html.Append($"<p>{H(first.Where)}, {H(first.When)} (doors {H(first.Doors)}).</p>");
        foreach (var (w, code) in printable)
        {
            html.Append($"<h2>{H(w.Ticket.Place)}</h2><p>{H(w.Ticket.TierName)}</p>");
            if (code is not null)
            {
                var cid = $"ticket-{w.Ticket.Id:N}@encore";
                attachments.Add(new EmailAttachment($"ticket-{w.Ticket.Id:N}.png", "image/png", TicketQr.Png(encoded[code]), cid));
                html.Append($"<p><img src=\"cid:{cid}\" alt=\"Ticket code for {H(w.Ticket.Place)}\" width=\"240\" height=\"240\"></p>");
            }
            else
            {
                html.Append("<p>Show the live code from your Encore account at the gate.</p>");
            }
        }
        html.Append($"<p>Order {e.OrderId:D}</p>");
        attachments.Add(new EmailAttachment($"tickets-{e.OrderId:N}.pdf", "application/pdf", TicketPdf.Render(printable, encoded)));
        foreach (var data in encoded.Values) data.Dispose();

        return new EmailMessage(e.BuyerEmail, $"Your tickets: {first.Title}", text.ToString(), html.ToString()) { Attachments = attachments };
    }

    static string H(string s) => WebUtility.HtmlEncode(s);
}
