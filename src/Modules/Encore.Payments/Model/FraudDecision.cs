namespace Encore.Payments.Model;

internal enum FraudOutcome { Allow = 0, RequireThreeDSecure = 1, Review = 2, Block = 3 }

internal enum ReviewResolution { Approved = 1, Rejected = 2 }

/// <summary>The screen's verdict on one attempt, with the score and every rule that added to it, for the admins who review it.</summary>
internal sealed class FraudDecision
{
    public Guid PaymentId { get; init; }
    public Guid OrderId { get; init; }
    public Guid BuyerId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public FraudOutcome Outcome { get; init; }
    public int Score { get; init; }
    public List<FraudReason> Reasons { get; init; } = [];
    public DateTimeOffset DecidedAt { get; init; }
    public ReviewResolution? Resolution { get; set; }
    public Guid? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
}

/// <summary>One rule that fired: a stable code, its weight and words for the reviewer.</summary>
internal sealed record FraudReason(string Code, int Points, string Detail);
