using Encore.Orders.Model;

namespace Encore.Orders.Checkout;

public sealed record AdmissionView(
    Guid Id, Guid? SeatId, string Section, string? Row, string? Seat, string Tier,
    long FaceValueMinor, long ServiceFeeMinor, long FacilityFeeMinor, long TaxMinor, long TotalMinor, bool Refunded);

/// <summary>An order as the buyer sees it: every price component in minor units, the total being what is charged.</summary>
public sealed record OrderView(
    Guid Id, string Status, Guid HoldId, Guid EventId, Guid PerformanceId, string EventTitle, string EventSlug, string Currency,
    bool PricesIncludeTax, string TaxLabel, long FaceValueMinor, long ServiceFeeMinor, long FacilityFeeMinor, long DeliveryFeeMinor, long TaxMinor,
    long TotalMinor, long RefundedMinor, DateTimeOffset CreatedAt, DateTimeOffset PayBy, DateTimeOffset? PaidAt, string? NextActionUrl,
    string? FailureMessage, string? InvoiceNumber, Guid? InvoiceId, IReadOnlyList<AdmissionView> Admissions)
{
    internal static OrderView From(Order o) => new(
        o.Id, Wire(o.Status), o.HoldId, o.EventId, o.PerformanceId, o.EventTitle, o.EventSlug, o.Currency, o.PricesIncludeTax, o.TaxLabel,
        o.FaceValue, o.ServiceFee, o.FacilityFee, o.DeliveryFee, o.Tax, o.Total, o.RefundedAmount, o.CreatedAt, o.PayBy, o.PaidAt,
        o.Status == OrderStatus.RequiresAction ? o.NextActionUrl : null, o.FailureMessage, o.InvoiceNumber, o.InvoiceId,
        o.Admissions.OrderBy(a => a.SectionCode, StringComparer.Ordinal).ThenBy(a => a.RowLabel).ThenBy(a => a.SeatLabel)
            .Select(a => new AdmissionView(a.Id, a.SeatId, a.SectionName, a.RowLabel, a.SeatLabel, a.TierName,
                a.FaceValue, a.ServiceFee, a.FacilityFee, a.Tax, a.Total, a.RefundId is not null)).ToList());

    internal static string Wire(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.AwaitingPayment => "awaiting_payment",
        OrderStatus.RequiresAction => "requires_action",
        OrderStatus.Paid => "paid",
        OrderStatus.Fulfilled => "fulfilled",
        OrderStatus.Expired => "expired",
        OrderStatus.PaymentFailed => "payment_failed",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Refunded => "refunded",
        OrderStatus.PartiallyRefunded => "partially_refunded",
        _ => status.ToString(),
    };
}
