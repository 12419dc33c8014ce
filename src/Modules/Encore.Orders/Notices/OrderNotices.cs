using System.Globalization;
using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Contracts.Orders;
using Encore.Contracts.Tax;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Notices;

/// <summary>
/// What Orders does after its own events: a VAT invoice for each paid order (IInvoiceIssuer answers
/// the same invoice again for the same order, so a redelivery is harmless) and a refund or
/// cancellation notice by email. The order confirmation with tickets is the Tickets module's.
/// </summary>
internal sealed class OrderNotices(OrdersDbContext db, IInvoiceIssuer invoices, ICatalogCheckoutSource catalog, IEmailSender email, TimeProvider clock)
    : IIntegrationEventHandler<OrderPaid>, IIntegrationEventHandler<AdmissionsRefunded>
{
    public const string InvoiceConsumer = "orders.invoices";
    public const string NoticeConsumer = "orders.refund-notices";

    public async Task HandleAsync(OrderPaid e, IntegrationEventContext context, CancellationToken ct)
    {
        var order = await db.Orders.Include(o => o.Admissions).SingleOrDefaultAsync(o => o.Id == e.OrderId, ct);
        if (order is null || order.InvoiceId is not null) return;
        var ev = await catalog.GetEventAsync(order.EventId, ct);
        var seller = new InvoiceParty(ev?.OrganizerName ?? "Organizer", ev is null ? "" : $"{ev.VenueAddress}\n{ev.VenueCity}", ev?.VenueCountry ?? order.EventCountry);
        var buyer = new InvoiceParty(order.BuyerName, order.BuyerEmail, order.EventCountry);
        var lines = new List<InvoiceLine>();
        long Net(long listed, long tax) => order.PricesIncludeTax ? listed - tax : listed;
        foreach (var group in order.Admissions.GroupBy(a => (a.TierName, a.FaceValue, a.FaceTax, a.FaceRatePpm, a.ServiceFee, a.ServiceFeeTax, a.ServiceFeeRatePpm, a.FacilityFee, a.FacilityFeeTax, a.FacilityFeeRatePpm)))
        {
            var k = group.Key;
            var n = group.Count();
            lines.Add(new InvoiceLine($"Admission: {k.TierName}, {order.EventTitle}", n, Net(k.FaceValue, k.FaceTax) * n, k.FaceRatePpm, k.FaceTax * n, order.TaxName));
            if (k.ServiceFee > 0) lines.Add(new InvoiceLine("Service fee", n, Net(k.ServiceFee, k.ServiceFeeTax) * n, k.ServiceFeeRatePpm, k.ServiceFeeTax * n, order.TaxName));
            if (k.FacilityFee > 0) lines.Add(new InvoiceLine("Facility fee", n, Net(k.FacilityFee, k.FacilityFeeTax) * n, k.FacilityFeeRatePpm, k.FacilityFeeTax * n, order.TaxName));
        }
        if (order.DeliveryFee > 0)
            lines.Add(new InvoiceLine("Delivery", 1, Net(order.DeliveryFee, order.DeliveryFeeTax), order.DeliveryRatePpm, order.DeliveryFeeTax, order.TaxName));
        var issued = await invoices.IssueAsync(new InvoiceRequest(order.OrganizerId, "order:" + order.Id.ToString("D"), seller, buyer, order.Currency, lines,
            DateOnly.FromDateTime(order.PerformanceStartsAt.UtcDateTime)), ct);
        // Written beside the order's state, not through it: an invoice number never races a status change.
        await db.Orders.Where(o => o.Id == order.Id && o.InvoiceId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.InvoiceId, issued.Id).SetProperty(o => o.InvoiceNumber, issued.Number), ct);
    }

    public async Task HandleAsync(AdmissionsRefunded e, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await db.TryRecordInboxAsync(context, NoticeConsumer, clock, ct)) return;
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == e.OrderId, ct);
        var refund = await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == e.RefundId, ct);
        if (order is null || refund is null) return;
        var amount = Display(refund.Amount, order.Currency);
        var subject = e.EventCancelled ? $"{order.EventTitle} is cancelled: {amount} refunded" : $"Refund of {amount} for {order.EventTitle}";
        var body = (e.EventCancelled
                ? $"We are sorry: {order.EventTitle} has been cancelled. {refund.Reason}.\n\nWe have refunded everything you paid, fees included: {amount}."
                : $"We have refunded {amount} for {e.AdmissionIds.Count} ticket(s) of your order for {order.EventTitle}.")
            + $"\n\nThe refunded tickets no longer admit. The money reaches your card within 5–10 business days.\n\nOrder {order.Id}\nYour orders: /account/orders\n";
        // The notice is sent before the inbox row commits: a crash between the two sends it twice, never zero times.
        await email.SendAsync(new EmailMessage(order.BuyerEmail, subject, body), ct);
        await db.SaveChangesAsync(ct);
    }

    static string Display(long minor, string currency)
    {
        var digits = Money.MinorDigits(currency);
        var major = minor / (decimal)Math.Pow(10, digits);
        return $"{major.ToString("N" + digits, CultureInfo.InvariantCulture)} {currency}";
    }
}
