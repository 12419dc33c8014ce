namespace Encore.Payments.Webhooks;

/// <summary>A gateway event we have accepted; the primary key (provider, event id) makes a replay or a duplicate delivery a no-op.</summary>
internal sealed class WebhookReceipt
{
    public string Provider { get; init; } = "";
    public string EventId { get; init; } = "";
    public string Type { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
}
