namespace Encore.Payments.Gateway.Simulated;

/// <summary>
/// The simulated gateway's own PaymentIntent, kept in the database so that every instance (and a
/// restarted one) sees the same intents. It stands for the gateway's side: Payments' attempts refer to
/// it only by id, as they would to a Stripe PaymentIntent.
/// </summary>
internal sealed class SimulatedIntent
{
    public string Id { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string PaymentMethod { get; init; } = "";
    public string ReturnUrl { get; init; } = "";
    public string Status { get; set; } = "";
    public long AmountCapturable { get; set; }
    public long AmountReceived { get; set; }
    public long AmountRefunded { get; set; }
    public long Fee { get; set; }
    public string? ErrorCode { get; set; }
    public string? DeclineCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? Metadata { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class SimulatedRefund
{
    public string Id { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    public string IntentId { get; init; } = "";
    public long Amount { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

internal enum DeliveryStatus { Pending = 0, Delivered = 1, GaveUp = 2 }

/// <summary>An event the simulated gateway owes our webhook endpoint: queued with the change it announces, delivered with retries.</summary>
internal sealed class SimulatedWebhookDelivery
{
    public string EventId { get; init; } = "";
    public string Type { get; init; } = "";
    public string Payload { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}
