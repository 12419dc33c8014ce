using Encore.Contracts.Payments;

namespace Encore.Payments.Model;

/// <summary>Where an attempt stands inside Payments: the contract's states plus the moment a gateway call is in flight.</summary>
internal enum AttemptState
{
    Processing = 0,
    RequiresAction = 1,
    Authorized = 2,
    Captured = 3,
    Voided = 4,
    Failed = 5,
    InReview = 6,
    Blocked = 7,
}

/// <summary>
/// One payment attempt, keyed by the caller's payment id so that a second authorize with the same id
/// finds this row instead of charging again. <see cref="Version"/> is an optimistic concurrency token:
/// of two instances that learn an outcome at once (the buyer's return and the webhook), one saves and
/// publishes; the other reloads and sees it done.
/// </summary>
internal sealed class PaymentAttempt
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public Guid BuyerId { get; init; }
    public Guid OrganizerId { get; init; }
    public Guid EventId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string PaymentMethod { get; init; } = "";
    public string ReturnUrl { get; init; } = "";
    public string Provider { get; init; } = "";
    public string RequestHash { get; init; } = "";

    public string? CardFingerprint { get; set; }
    public string? CardCountry { get; set; }
    public string? IpAddress { get; init; }
    public string? DeviceId { get; init; }
    public string? BillingCountry { get; init; }

    public AttemptState State { get; set; }
    public string? ProviderReference { get; set; }
    public string? NextActionUrl { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public long GatewayFee { get; set; }
    public long AmountRefunded { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? AuthorizedAt { get; set; }
    public DateTimeOffset? CapturedAt { get; set; }
    public int Version { get; set; }

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    public PaymentStatus ToStatus() => new(
        Id, OrderId, State switch
        {
            // A caller only sees Processing when the gateway call of another caller outlived its lease; to it the payment still waits.
            AttemptState.Processing => PaymentState.RequiresAction,
            AttemptState.RequiresAction => PaymentState.RequiresAction,
            AttemptState.Authorized => PaymentState.Authorized,
            AttemptState.Captured => PaymentState.Captured,
            AttemptState.Voided => PaymentState.Voided,
            AttemptState.Failed => PaymentState.Failed,
            AttemptState.InReview => PaymentState.InReview,
            AttemptState.Blocked => PaymentState.Blocked,
            _ => throw new InvalidOperationException($"Unknown attempt state {State}."),
        },
        Amount, Currency, State == AttemptState.RequiresAction ? NextActionUrl : null,
        FailureCode, FailureMessage, GatewayFee, Provider, ProviderReference);
}

/// <summary>One refund, keyed by the caller's refund id.</summary>
internal sealed class PaymentRefund
{
    public Guid Id { get; init; }
    public Guid PaymentId { get; init; }
    public Guid OrderId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string Reason { get; init; } = "";
    public RefundOutcome Outcome { get; set; }
    public string? FailureMessage { get; set; }
    public string? ProviderReference { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }

    public RefundStatus ToStatus() => new(Id, PaymentId, Amount, Outcome == RefundOutcome.Succeeded, FailureMessage);
}

internal enum RefundOutcome { Pending = 0, Succeeded = 1, Failed = 2 }

/// <summary>A dispute the gateway reported; the ledger learns of it through ChargebackOpened.</summary>
internal sealed class PaymentDispute
{
    public Guid Id { get; init; }
    public string ProviderReference { get; init; } = "";
    public Guid PaymentId { get; init; }
    public long Amount { get; init; }
    public long Fee { get; init; }
    public string Currency { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset OpenedAt { get; init; }
}
