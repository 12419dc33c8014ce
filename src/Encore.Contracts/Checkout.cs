namespace Encore.Contracts.Orders
{
    /// <summary>
    /// An order was paid: its seats and standing places are sold for good. Written by Orders in the
    /// confirm transaction, under the database's unique constraint on every sold seat. Tickets issues one
    /// ticket per admission; the inventory stops offering the seats.
    /// </summary>
    /// <param name="OrderId">The order.</param>
    /// <param name="BuyerId">Who bought.</param>
    /// <param name="BuyerEmail">Where the confirmation goes.</param>
    /// <param name="BuyerName">How the buyer is addressed.</param>
    /// <param name="OrganizerId">The organizer whose event was sold.</param>
    /// <param name="EventId">The event.</param>
    /// <param name="PerformanceId">The performance.</param>
    /// <param name="Currency">ISO 4217 code of every amount.</param>
    /// <param name="Admissions">One per person admitted: a standing quantity of three is three admissions.</param>
    /// <param name="PaidAt">When the order was paid.</param>
    /// <param name="HoldId">
    /// The hold the order was made from. It keeps its places claimed in the hold store until the
    /// inventory, handling this message, has marked them sold there; then the inventory releases it.
    /// Null in messages written before 2026-11-27, whose holds were released at payment.
    /// </param>
    public sealed record OrderPaid(
        Guid OrderId, Guid BuyerId, string BuyerEmail, string BuyerName, Guid OrganizerId, Guid EventId, Guid PerformanceId,
        string Currency, IReadOnlyList<PaidAdmission> Admissions, DateTimeOffset PaidAt, Guid? HoldId = null) : IOrderEvent;

    /// <summary>One admission of a paid order.</summary>
    /// <param name="AdmissionId">The order line unit; the ticket is issued once per admission id.</param>
    /// <param name="SeatId">The reserved seat; null for standing.</param>
    /// <param name="SectionCode">The section (or standing area) code.</param>
    /// <param name="RowLabel">The row, for a seat.</param>
    /// <param name="SeatLabel">The seat's label, for a seat.</param>
    /// <param name="TierId">The ticket tier.</param>
    /// <param name="TierName">The tier's name as sold.</param>
    /// <param name="FaceValue">Face value in minor units.</param>
    public sealed record PaidAdmission(
        Guid AdmissionId, Guid? SeatId, string SectionCode, string? RowLabel, string? SeatLabel, Guid TierId, string TierName, long FaceValue);

    /// <summary>
    /// Admissions of an order were refunded (all of them, or some): their tickets stop admitting and the
    /// inventory may sell the places again unless the event is cancelled.
    /// </summary>
    /// <param name="OrderId">The order.</param>
    /// <param name="RefundId">The refund.</param>
    /// <param name="EventId">The event.</param>
    /// <param name="PerformanceId">The performance.</param>
    /// <param name="AdmissionIds">The admissions refunded.</param>
    /// <param name="EventCancelled">The refund is for a cancelled event.</param>
    /// <param name="OccurredAt">When the refund succeeded.</param>
    public sealed record AdmissionsRefunded(
        Guid OrderId, Guid RefundId, Guid EventId, Guid PerformanceId, IReadOnlyList<Guid> AdmissionIds, bool EventCancelled, DateTimeOffset OccurredAt) : IOrderEvent
    {
        /// <summary>The buyer of the order (empty in messages written before it was added).</summary>
        public Guid BuyerId { get; init; }

        /// <summary>
        /// Where each refunded admission was: a consumer that deletes its own record of the places can
        /// still act on a redelivery from the message alone (empty in messages written before it was added).
        /// </summary>
        public IReadOnlyList<RefundedPlace> Places { get; init; } = [];
    }

    /// <summary>A refunded admission's seat (null for a standing place) and section.</summary>
    public sealed record RefundedPlace(Guid AdmissionId, Guid? SeatId, string SectionCode);
}

namespace Encore.Contracts.Payments
{
    /// <summary>
    /// The payments port Orders calls while the buyer waits. Payments runs the fraud screen, talks to
    /// the configured gateway (the built-in simulated gateway or Stripe) with manual capture, and
    /// remembers every attempt. Each call is idempotent on its payment or refund id.
    /// </summary>
    public interface IPaymentService
    {
        /// <summary>
        /// Screens and authorizes (never captures) the amount. Calling again with the same payment id
        /// returns the attempt's current status instead of charging twice.
        /// </summary>
        Task<PaymentStatus> AuthorizeAsync(AuthorizePayment request, CancellationToken cancellationToken);

        /// <summary>The attempt's current status; null when unknown.</summary>
        Task<PaymentStatus?> GetAsync(Guid paymentId, CancellationToken cancellationToken);

        /// <summary>Captures an authorized payment in full; a captured payment answers its status again.</summary>
        Task<PaymentStatus> CaptureAsync(Guid paymentId, CancellationToken cancellationToken);

        /// <summary>Releases an authorization that will not be captured (the seats were lost, the order expired).</summary>
        Task<PaymentStatus> VoidAsync(Guid paymentId, CancellationToken cancellationToken);

        /// <summary>Refunds part or all of a captured payment; the same refund id answers the first result.</summary>
        Task<RefundStatus> RefundAsync(RefundPayment request, CancellationToken cancellationToken);
    }

    /// <summary>What to authorize.</summary>
    /// <param name="PaymentId">The caller's id for this attempt (a retry of the same attempt reuses it).</param>
    /// <param name="OrderId">The order paid.</param>
    /// <param name="BuyerId">The buyer's account.</param>
    /// <param name="OrganizerId">The organizer whose event is sold.</param>
    /// <param name="EventId">The event.</param>
    /// <param name="Amount">Minor units: exactly the all-in total shown to the buyer.</param>
    /// <param name="Currency">ISO 4217 code.</param>
    /// <param name="PaymentMethod">The gateway's opaque payment method token (never card data).</param>
    /// <param name="ReturnUrl">Where the buyer comes back to after a 3-D Secure challenge (an absolute path on this site).</param>
    /// <param name="Signals">What the fraud screen weighs.</param>
    public sealed record AuthorizePayment(
        Guid PaymentId, Guid OrderId, Guid BuyerId, Guid OrganizerId, Guid EventId, long Amount, string Currency,
        string PaymentMethod, string ReturnUrl, FraudSignals Signals);

    /// <summary>What the fraud screen weighs besides the card the gateway reports.</summary>
    /// <param name="IpAddress">The buyer's address as the gateway saw it.</param>
    /// <param name="BillingCountry">ISO 3166-1 alpha-2 billing country, when given.</param>
    /// <param name="EventCountry">ISO 3166-1 alpha-2 country of the venue.</param>
    /// <param name="AccountCreatedAt">When the buyer's account was created.</param>
    /// <param name="DeviceId">The device cookie's id, when the buyer has one.</param>
    /// <param name="DeviceRiskScore">The flash-sale risk score of the request (0–100, see <see cref="FlashSale.BuyerRisk"/>).</param>
    /// <param name="TicketCount">Admissions in the order.</param>
    /// <param name="IpCountry">ISO 3166-1 alpha-2 country of <paramref name="IpAddress"/> when the caller knows it (a CDN's
    /// country header, say); Encore has no GeoIP database, so without it the screen only knows networks listed in its configuration.</param>
    public sealed record FraudSignals(
        string? IpAddress, string? BillingCountry, string EventCountry, DateTimeOffset AccountCreatedAt,
        string? DeviceId, int DeviceRiskScore, int TicketCount, string? IpCountry = null);

    /// <summary>Where an attempt stands (Stripe's PaymentIntent states, plus the fraud screen's own).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PaymentState>))]
    public enum PaymentState
    {
        /// <summary>The buyer must pass a 3-D Secure challenge at <see cref="PaymentStatus.NextActionUrl"/>.</summary>
        RequiresAction,
        /// <summary>Authorized, not captured (Stripe's <c>requires_capture</c>).</summary>
        Authorized,
        /// <summary>Captured (Stripe's <c>succeeded</c>).</summary>
        Captured,
        /// <summary>The authorization was released (Stripe's <c>canceled</c>).</summary>
        Voided,
        /// <summary>Declined, or the challenge failed; nothing is held on the card.</summary>
        Failed,
        /// <summary>The fraud screen held it for an operator's review; nothing is charged until approved.</summary>
        InReview,
        /// <summary>The fraud screen refused it.</summary>
        Blocked,
    }

    /// <summary>One payment attempt.</summary>
    /// <param name="PaymentId">The caller's id.</param>
    /// <param name="OrderId">The order.</param>
    /// <param name="State">Where it stands.</param>
    /// <param name="Amount">Minor units authorized (or asked for).</param>
    /// <param name="Currency">ISO 4217 code.</param>
    /// <param name="NextActionUrl">The challenge page while <see cref="PaymentState.RequiresAction"/>.</param>
    /// <param name="FailureCode">Stripe-style decline code (<c>card_declined</c>, <c>insufficient_funds</c>…) when failed or blocked.</param>
    /// <param name="FailureMessage">Words for the buyer when failed or blocked.</param>
    /// <param name="GatewayFee">What the gateway keeps, known once captured (zero before).</param>
    /// <param name="Provider">The gateway: <c>simulated</c> or <c>stripe</c>.</param>
    /// <param name="ProviderReference">The gateway's id (a PaymentIntent id).</param>
    public sealed record PaymentStatus(
        Guid PaymentId, Guid OrderId, PaymentState State, long Amount, string Currency, string? NextActionUrl,
        string? FailureCode, string? FailureMessage, long GatewayFee, string Provider, string? ProviderReference);

    /// <summary>A refund to make.</summary>
    /// <param name="RefundId">The caller's id; a retry reuses it.</param>
    /// <param name="PaymentId">The captured payment.</param>
    /// <param name="Amount">Minor units, positive, at most what is left unrefunded.</param>
    /// <param name="Reason">Why, for the records.</param>
    public sealed record RefundPayment(Guid RefundId, Guid PaymentId, long Amount, string Reason);

    /// <summary>A refund's outcome.</summary>
    /// <param name="RefundId">The caller's id.</param>
    /// <param name="PaymentId">The payment refunded.</param>
    /// <param name="Amount">Minor units.</param>
    /// <param name="Succeeded">The gateway accepted it.</param>
    /// <param name="FailureMessage">Why not, when it did not.</param>
    public sealed record RefundStatus(Guid RefundId, Guid PaymentId, long Amount, bool Succeeded, string? FailureMessage);

    /// <summary>
    /// A payment that was waiting (a 3-D Secure challenge, an operator's review) is now authorized.
    /// Published by Payments when the gateway's webhook or the buyer's return says so; Orders confirms.
    /// </summary>
    public sealed record PaymentAuthorized(Guid PaymentId, Guid OrderId, long Amount, string Currency, DateTimeOffset OccurredAt) : IOrderEvent;

    /// <summary>A payment that was waiting failed (challenge failed, review rejected, declined late); Orders lets the buyer try again.</summary>
    public sealed record PaymentFailed(Guid PaymentId, Guid OrderId, string FailureCode, string FailureMessage, DateTimeOffset OccurredAt) : IOrderEvent;
}
