namespace Encore.Payments.Gateway;

/// <summary>
/// The payment gateway port, shaped after Stripe's PaymentIntents: create and confirm with manual
/// capture, capture, cancel, refund, retrieve. Every mutating call carries an idempotency key so a
/// retry after a lost answer has one effect at the gateway. A decline is an answer (an intent back
/// in <c>requires_payment_method</c> with its last error), not an exception; exceptions mean the
/// gateway could not be reached or refused the request itself.
/// </summary>
internal interface IPaymentGateway
{
    /// <summary><c>simulated</c> or <c>stripe</c>: the provider name stored with every attempt and in the webhook route.</summary>
    string Provider { get; }

    /// <summary>The card behind a payment method token (fingerprint and issuing country for the fraud screen); null when the token is unknown.</summary>
    Task<CardDetails?> DescribePaymentMethodAsync(string paymentMethod, CancellationToken ct);

    Task<GatewayIntent> CreateAndConfirmAsync(CreateIntent request, CancellationToken ct);

    Task<GatewayIntent> RetrieveAsync(string intentId, CancellationToken ct);

    Task<GatewayIntent> CaptureAsync(string intentId, string idempotencyKey, CancellationToken ct);

    Task<GatewayIntent> CancelAsync(string intentId, string idempotencyKey, CancellationToken ct);

    Task<GatewayRefund> RefundAsync(string intentId, long amount, string idempotencyKey, CancellationToken ct);
}

/// <param name="IdempotencyKey">Sent as the Idempotency-Key header: the payment id.</param>
/// <param name="ReturnUrl">Where the gateway sends the buyer after a challenge (absolute for Stripe).</param>
/// <param name="RequestThreeDSecure">The fraud screen asks for a challenge even where the card would not need one.</param>
/// <param name="Metadata">Our ids, kept by the gateway and echoed in webhooks.</param>
internal sealed record CreateIntent(
    string IdempotencyKey, long Amount, string Currency, string PaymentMethod, string ReturnUrl, bool RequestThreeDSecure,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>A PaymentIntent as the gateway reports it (Stripe's status names).</summary>
internal sealed record GatewayIntent(
    string Id, string Status, long Amount, string Currency, long AmountCapturable, long AmountReceived,
    string? NextActionUrl, string? ErrorCode, string? DeclineCode, string? ErrorMessage, long Fee)
{
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string RequiresAction = "requires_action";
    public const string RequiresCapture = "requires_capture";
    public const string Succeeded = "succeeded";
    public const string Canceled = "canceled";
    public const string Processing = "processing";
}

internal sealed record GatewayRefund(string Id, string Status, long Amount, string? FailureReason)
{
    public bool Succeeded => Status is "succeeded" or "pending";
}

internal sealed record CardDetails(string Fingerprint, string Brand, string Last4, string? Country);

/// <summary>The gateway refused the request itself (bad key, unknown intent, wrong state): not a card decline.</summary>
internal sealed class GatewayRequestException(string code, string message, int statusCode) : Exception(message)
{
    public string Code { get; } = code;
    public int StatusCode { get; } = statusCode;
}
