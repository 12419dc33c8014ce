using System.Text.Json.Serialization;

namespace Encore.Orders.Model;

[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    [JsonStringEnumMemberName("pending")] Pending = 0,
    [JsonStringEnumMemberName("awaiting_payment")] AwaitingPayment = 1,
    [JsonStringEnumMemberName("requires_action")] RequiresAction = 2,
    [JsonStringEnumMemberName("paid")] Paid = 3,
    [JsonStringEnumMemberName("fulfilled")] Fulfilled = 4,
    [JsonStringEnumMemberName("expired")] Expired = 5,
    [JsonStringEnumMemberName("payment_failed")] PaymentFailed = 6,
    [JsonStringEnumMemberName("cancelled")] Cancelled = 7,
    [JsonStringEnumMemberName("refunded")] Refunded = 8,
    [JsonStringEnumMemberName("partially_refunded")] PartiallyRefunded = 9,
}

/// <summary>
/// A buyer's order, made from a live hold. Its state machine is the only way its status changes,
/// and every change is written as an <see cref="OrderTransition"/> in the same SaveChanges.
/// </summary>
internal sealed class Order
{
    static readonly Dictionary<OrderStatus, OrderStatus[]> Allowed = new()
    {
        [OrderStatus.Pending] = [OrderStatus.AwaitingPayment, OrderStatus.Expired, OrderStatus.Cancelled],
        // AwaitingPayment again: a new attempt replaces one that stopped before the gateway decided (recorded like any move).
        [OrderStatus.AwaitingPayment] = [OrderStatus.AwaitingPayment, OrderStatus.RequiresAction, OrderStatus.Paid, OrderStatus.PaymentFailed, OrderStatus.Expired, OrderStatus.Cancelled],
        [OrderStatus.RequiresAction] = [OrderStatus.Paid, OrderStatus.PaymentFailed, OrderStatus.Expired, OrderStatus.Cancelled],
        [OrderStatus.PaymentFailed] = [OrderStatus.AwaitingPayment, OrderStatus.Expired, OrderStatus.Cancelled],
        [OrderStatus.Paid] = [OrderStatus.Fulfilled, OrderStatus.PartiallyRefunded, OrderStatus.Refunded],
        [OrderStatus.Fulfilled] = [OrderStatus.PartiallyRefunded, OrderStatus.Refunded],
        [OrderStatus.PartiallyRefunded] = [OrderStatus.PartiallyRefunded, OrderStatus.Refunded],
        [OrderStatus.Expired] = [],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Refunded] = [],
    };

    public Guid Id { get; private set; }
    public Guid BuyerId { get; private set; }
    public string BuyerEmail { get; private set; } = "";
    public string BuyerName { get; private set; } = "";
    public Guid HoldId { get; private set; }
    public long FencingToken { get; private set; }
    public Guid OrganizerId { get; private set; }
    public Guid EventId { get; private set; }
    public Guid PerformanceId { get; private set; }
    public string EventTitle { get; private set; } = "";
    public string EventSlug { get; private set; } = "";
    public string EventCountry { get; private set; } = "";
    public DateTimeOffset PerformanceStartsAt { get; private set; }
    public string Currency { get; private set; } = "";
    public OrderStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>The hold's end: the order can be paid until then (a started 3-D Secure challenge gets a grace).</summary>
    public DateTimeOffset PayBy { get; private set; }

    public bool PricesIncludeTax { get; private set; }
    public long FaceValue { get; private set; }
    public long ServiceFee { get; private set; }
    public long FacilityFee { get; private set; }
    public long DeliveryFee { get; private set; }
    public long DeliveryFeeTax { get; private set; }
    public string DeliveryTaxJurisdiction { get; private set; } = "";
    public int DeliveryRatePpm { get; private set; }
    public string TaxName { get; private set; } = "";
    public long Tax { get; private set; }
    /// <summary>How the tax is named on the page, such as <c>VAT 20%</c> or <c>Sales tax 6.25%</c>.</summary>
    public string TaxLabel { get; private set; } = "";
    /// <summary>The all-in total shown and charged, in minor units.</summary>
    public long Total { get; private set; }
    public long RefundedAmount { get; private set; }

    /// <summary>The current payment attempt; a failed attempt is followed by a new id.</summary>
    public Guid? PaymentId { get; private set; }
    public int PaymentAttempts { get; private set; }
    public string? NextActionUrl { get; private set; }
    public string? FailureMessage { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    public DateTimeOffset? CapturedAt { get; private set; }
    public int CaptureAttempts { get; private set; }
    public Guid? InvoiceId { get; private set; }
    public string? InvoiceNumber { get; private set; }
    public Guid Version { get; private set; }

    public List<OrderAdmission> Admissions { get; private set; } = [];

    Order() { }

    public static Order Create(
        Guid id, Guid buyerId, string buyerEmail, string buyerName, Guid holdId, long fencingToken, Guid organizerId, Guid eventId,
        Guid performanceId, string eventTitle, string eventSlug, string eventCountry, DateTimeOffset performanceStartsAt, string currency,
        DateTimeOffset payBy, Pricing.PriceBreakdown price, IReadOnlyList<OrderAdmission> admissions, DateTimeOffset now) => new()
    {
        Id = id,
        BuyerId = buyerId,
        BuyerEmail = buyerEmail,
        BuyerName = buyerName,
        HoldId = holdId,
        FencingToken = fencingToken,
        OrganizerId = organizerId,
        EventId = eventId,
        PerformanceId = performanceId,
        EventTitle = eventTitle,
        EventSlug = eventSlug,
        EventCountry = eventCountry,
        PerformanceStartsAt = performanceStartsAt,
        Currency = currency,
        Status = OrderStatus.Pending,
        CreatedAt = now,
        UpdatedAt = now,
        PayBy = payBy,
        PricesIncludeTax = price.PricesIncludeTax,
        FaceValue = price.FaceValue,
        ServiceFee = price.ServiceFee,
        FacilityFee = price.FacilityFee,
        DeliveryFee = price.DeliveryFee,
        DeliveryFeeTax = price.DeliveryFeeTax,
        DeliveryTaxJurisdiction = price.DeliveryTaxJurisdiction,
        DeliveryRatePpm = price.DeliveryRatePpm,
        TaxName = price.TaxName,
        Tax = price.Tax,
        TaxLabel = price.TaxLabel,
        Total = price.Total,
        Admissions = [.. admissions],
        Version = Guid.NewGuid(),
    };

    public bool IsTerminalBeforePayment => Status is OrderStatus.Expired or OrderStatus.Cancelled;
    public bool IsPaid => Status is OrderStatus.Paid or OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded or OrderStatus.Refunded;
    public bool CanPay => Status is OrderStatus.Pending or OrderStatus.AwaitingPayment or OrderStatus.PaymentFailed;

    /// <summary>Moves to <paramref name="to"/> and returns the transition to record; throws on a move the machine does not allow (a bug).</summary>
    public OrderTransition MoveTo(OrderStatus to, string actor, string reason, DateTimeOffset now)
    {
        if (!Allowed[Status].Contains(to))
            throw new InvalidOperationException($"Order {Id}: {Status} → {to} is not a transition.");
        var transition = new OrderTransition
        {
            Id = BuildingBlocks.Ids.New(), OrderId = Id, From = Status, To = to, Actor = actor, Reason = reason, At = now,
        };
        Status = to;
        UpdatedAt = now;
        Version = Guid.NewGuid();
        return transition;
    }

    public bool CanMoveTo(OrderStatus to) => Allowed[Status].Contains(to);

    /// <summary>
    /// A new attempt's payment id. It changes the concurrency token, so of two attempts started at
    /// once on another instance only one is saved.
    /// </summary>
    public Guid StartPayment()
    {
        PaymentId = BuildingBlocks.Ids.New();
        PaymentAttempts++;
        NextActionUrl = null;
        FailureMessage = null;
        Version = Guid.NewGuid();
        return PaymentId.Value;
    }

    public void NeedsAction(string? url) => NextActionUrl = url;
    public void Failed(string? message) { FailureMessage = message; NextActionUrl = null; }
    public void MarkPaid(DateTimeOffset now) { PaidAt = now; NextActionUrl = null; FailureMessage = null; }
    public void MarkCaptured(DateTimeOffset now) { CapturedAt = now; Version = Guid.NewGuid(); }
    public void CaptureFailed() { CaptureAttempts++; Version = Guid.NewGuid(); }
    public void AddRefunded(long amount) { RefundedAmount += amount; Version = Guid.NewGuid(); }
}

/// <summary>One person admitted: a seat, or one standing place. Priced on its own so a partial refund is exact.</summary>
internal sealed class OrderAdmission
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public Guid? SeatId { get; init; }
    public string SectionCode { get; init; } = "";
    public string SectionName { get; init; } = "";
    public string? RowLabel { get; init; }
    public string? SeatLabel { get; init; }
    public Guid TierId { get; init; }
    public string TierName { get; init; } = "";
    /// <summary>Face value as listed (gross where prices include tax).</summary>
    public long FaceValue { get; init; }
    public long ServiceFee { get; init; }
    public long FacilityFee { get; init; }
    /// <summary>Tax on this admission's face value and fees.</summary>
    public long Tax { get; init; }
    public long FaceTax { get; init; }
    public long ServiceFeeTax { get; init; }
    public long FacilityFeeTax { get; init; }
    public string TaxJurisdiction { get; init; } = "";
    public int FaceRatePpm { get; init; }
    public int ServiceFeeRatePpm { get; init; }
    public int FacilityFeeRatePpm { get; init; }
    /// <summary>What this admission costs all in.</summary>
    public long Total { get; init; }
    public Guid? RefundId { get; set; }
}

/// <summary>A status change: who, when, from, to, why. Append-only.</summary>
internal sealed class OrderTransition
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public OrderStatus From { get; init; }
    public OrderStatus To { get; init; }
    /// <summary>A user id, or <c>system:&lt;worker&gt;</c>.</summary>
    public string Actor { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

/// <summary>A sold seat: the primary key (performance, seat) is the final arbiter of who bought it.</summary>
internal sealed class SoldSeat
{
    public Guid PerformanceId { get; init; }
    public Guid SeatId { get; init; }
    public Guid OrderId { get; init; }
    public Guid AdmissionId { get; init; }
}

/// <summary>Standing places sold per area; <c>sold ≤ capacity</c> is enforced by a conditional update and a check constraint.</summary>
internal sealed class SoldStanding
{
    public Guid PerformanceId { get; init; }
    public string SectionCode { get; init; } = "";
    public int Capacity { get; set; }
    public int Sold { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<RefundPolicyKind>))]
public enum RefundPolicyKind
{
    [JsonStringEnumMemberName("none")] None = 0,
    [JsonStringEnumMemberName("untilDate")] UntilDate = 1,
    [JsonStringEnumMemberName("full")] Full = 2,
}

/// <summary>What an organizer set for an event's sales; absent means the platform's defaults and no refunds.</summary>
internal sealed class EventSalesSettings
{
    public Guid EventId { get; init; }
    public Guid OrganizerId { get; set; }
    public int ServicePercentBasisPoints { get; set; }
    public long ServiceFixedMinor { get; set; }
    public long FacilityFixedMinor { get; set; }
    public long DeliveryFixedMinor { get; set; }
    public bool CustomFees { get; set; }
    public RefundPolicyKind RefundPolicy { get; set; }
    public DateTimeOffset? RefundUntil { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid UpdatedBy { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<RefundState>))]
public enum RefundState
{
    [JsonStringEnumMemberName("pending")] Pending = 0,
    [JsonStringEnumMemberName("succeeded")] Succeeded = 1,
    [JsonStringEnumMemberName("failed")] Failed = 2,
}

/// <summary>A refund of some admissions (and, for a full refund or a cancelled event, the order's fees).</summary>
internal sealed class Refund
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public Guid PaymentId { get; init; }
    public string AdmissionIds { get; init; } = "";
    public long FaceValue { get; init; }
    public long ServiceFee { get; init; }
    public long FacilityFee { get; init; }
    public long DeliveryFee { get; init; }
    public long Tax { get; init; }
    public long Amount { get; init; }
    /// <summary>Tax refunded per jurisdiction, as JSON (<c>{"GB": 123}</c>).</summary>
    public string TaxByJurisdiction { get; init; } = "{}";
    public bool EventCancelled { get; init; }
    public string Reason { get; init; } = "";
    public string RequestedBy { get; init; } = "";
    public RefundState State { get; set; }
    public string? FailureMessage { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }

    public IReadOnlyList<Guid> Admissions => AdmissionIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();
}
