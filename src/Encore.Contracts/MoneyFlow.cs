namespace Encore.Contracts.MoneyFlow;

/// <summary>
/// The parts of an amount that moved, in integer minor units of one currency. Orders and Payments
/// fill it from the price breakdown the buyer saw; the ledger posts each part to its own account.
/// All parts are zero or positive: the event type says which way the money went.
/// </summary>
/// <param name="FaceValue">Ticket face value, owed to the organizer.</param>
/// <param name="ServiceFee">The platform's service fee.</param>
/// <param name="FacilityFee">The venue's facility fee, collected for the organizer.</param>
/// <param name="DeliveryFee">The platform's delivery fee.</param>
/// <param name="Taxes">Tax collected, one entry per jurisdiction that is owed it.</param>
public sealed record MoneyBreakdown(long FaceValue, long ServiceFee, long FacilityFee, long DeliveryFee, IReadOnlyList<TaxPortion> Taxes)
{
    /// <summary>Everything together: what the buyer paid (or got back).</summary>
    public long Total => checked(FaceValue + ServiceFee + FacilityFee + DeliveryFee + Taxes.Sum(t => t.Amount));
}

/// <summary>Tax owed to one jurisdiction.</summary>
/// <param name="Jurisdiction">A jurisdiction code such as <c>DE</c>, <c>GB</c> or <c>US-TX</c>.</param>
/// <param name="Amount">Minor units, zero or positive.</param>
public sealed record TaxPortion(string Jurisdiction, long Amount);

/// <summary>A money movement the ledger records. Each has a source id that identifies it for good, so it is posted once.</summary>
public interface IMoneyEvent : IOrderEvent
{
    /// <summary>The id of the payment, refund or chargeback: the ledger posts each at most once.</summary>
    Guid SourceId { get; }
    /// <summary>The organizer whose event was sold.</summary>
    Guid OrganizerId { get; }
    /// <summary>ISO 4217 code of every amount in the event.</summary>
    string Currency { get; }
    /// <summary>When the money moved at the gateway.</summary>
    DateTimeOffset OccurredAt { get; }
}

/// <summary>The gateway captured a payment for an order: the buyer's money is now with the platform.</summary>
/// <param name="PaymentId">The payment (the ledger's source id).</param>
/// <param name="OrderId">The order paid.</param>
/// <param name="OrganizerId">The organizer whose event was sold.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Amounts">What was captured, itemized as shown to the buyer.</param>
/// <param name="GatewayFee">What the gateway kept as its fee, zero or positive (known at capture for Stripe).</param>
/// <param name="OccurredAt">When the capture succeeded.</param>
public sealed record PaymentCaptured(Guid PaymentId, Guid OrderId, Guid OrganizerId, string Currency, MoneyBreakdown Amounts, long GatewayFee, DateTimeOffset OccurredAt) : IMoneyEvent
{
    /// <inheritdoc />
    public Guid SourceId => PaymentId;
}

/// <summary>A refund (full or partial) went back to the buyer through the gateway.</summary>
/// <param name="RefundId">The refund (the ledger's source id).</param>
/// <param name="OrderId">The order refunded.</param>
/// <param name="OrganizerId">The organizer whose event was sold.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Amounts">What was refunded, itemized: fees count only when they were refunded too.</param>
/// <param name="OccurredAt">When the gateway confirmed the refund.</param>
public sealed record RefundIssued(Guid RefundId, Guid OrderId, Guid OrganizerId, string Currency, MoneyBreakdown Amounts, DateTimeOffset OccurredAt) : IMoneyEvent
{
    /// <inheritdoc />
    public Guid SourceId => RefundId;
}

/// <summary>A card holder disputed a payment and the gateway took the amount back (and its dispute fee).</summary>
/// <param name="ChargebackId">The dispute (the ledger's source id).</param>
/// <param name="OrderId">The order disputed.</param>
/// <param name="OrganizerId">The organizer whose event was sold.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Amount">What the gateway withdrew for the dispute, positive.</param>
/// <param name="DisputeFee">The gateway's dispute fee, zero or positive.</param>
/// <param name="OccurredAt">When the gateway opened the dispute.</param>
public sealed record ChargebackOpened(Guid ChargebackId, Guid OrderId, Guid OrganizerId, string Currency, long Amount, long DisputeFee, DateTimeOffset OccurredAt) : IMoneyEvent
{
    /// <inheritdoc />
    public Guid SourceId => ChargebackId;
}

/// <summary>
/// What the journal recorded for money events, for other modules' reconciliation checks
/// (Payments compares the gateway's captures with it, Orders its paid orders). Read-only.
/// </summary>
public interface ILedgerReader
{
    /// <summary>Every money event the journal recorded in [from, to), with the amount that moved through the gateway account.</summary>
    Task<IReadOnlyList<RecordedMoneyEvent>> RecordedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>One money event as the journal holds it.</summary>
/// <param name="Kind">The event's type name: <c>PaymentCaptured</c>, <c>RefundIssued</c>, <c>ChargebackOpened</c>.</param>
/// <param name="SourceId">The payment, refund or chargeback id.</param>
/// <param name="OrderId">The order.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="GatewayAmount">Signed minor units on the gateway clearing account: positive for money in, negative for money out.</param>
/// <param name="OccurredAt">When the money moved.</param>
public sealed record RecordedMoneyEvent(string Kind, Guid SourceId, Guid OrderId, string Currency, long GatewayAmount, DateTimeOffset OccurredAt);

/// <summary>
/// One check of the reconciliation command (<c>dotnet run --project src/Encore.Web -- reconcile</c>).
/// Each module that holds money facts registers its own: the ledger checks itself; Orders and
/// Payments compare their records with the journal through <see cref="ILedgerReader"/>.
/// </summary>
public interface IReconciliationCheck
{
    /// <summary>A short name for the report, such as <c>ledger.balanced</c>.</summary>
    string Name { get; }

    /// <summary>Every difference found; empty when the check is clean.</summary>
    Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken);
}
