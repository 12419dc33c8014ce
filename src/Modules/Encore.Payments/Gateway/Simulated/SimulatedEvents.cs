using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Encore.Payments.Gateway.Simulated;

/// <summary>Stripe-shaped objects and events (field names as in Stripe's API reference) for the simulated gateway's webhooks.</summary>
internal static class SimulatedEvents
{
    public const string ApiVersion = "2025-01-27.acacia";

    public static string NewId(string prefix) =>
        prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static string ChargeId(string intentId) => "ch_" + intentId[3..];

    public static JsonObject Intent(SimulatedIntent i)
    {
        var metadata = i.Metadata is { } m ? JsonNode.Parse(m)!.AsObject() : new JsonObject();
        return new JsonObject
        {
            ["id"] = i.Id,
            ["object"] = "payment_intent",
            ["amount"] = i.Amount,
            ["amount_capturable"] = i.AmountCapturable,
            ["amount_received"] = i.AmountReceived,
            ["capture_method"] = "manual",
            ["currency"] = i.Currency.ToLowerInvariant(),
            ["created"] = i.CreatedAt.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["status"] = i.Status,
            ["payment_method"] = i.PaymentMethod,
            ["latest_charge"] = i.Status is "requires_capture" or "succeeded" ? ChargeId(i.Id) : null,
            ["metadata"] = metadata,
            ["last_payment_error"] = i.ErrorCode is null ? null : new JsonObject
            {
                ["type"] = "card_error",
                ["code"] = i.ErrorCode,
                ["decline_code"] = i.DeclineCode,
                ["message"] = i.ErrorMessage,
            },
            ["next_action"] = i.Status == "requires_action" ? new JsonObject
            {
                ["type"] = "redirect_to_url",
                ["redirect_to_url"] = new JsonObject { ["url"] = ChallengePath(i.Id), ["return_url"] = i.ReturnUrl },
            } : null,
        };
    }

    public static string ChallengePath(string intentId) => $"/simulated-gateway/3ds/{intentId}";

    public static JsonObject Charge(SimulatedIntent i) => new()
    {
        ["id"] = ChargeId(i.Id),
        ["object"] = "charge",
        ["amount"] = i.Amount,
        ["amount_captured"] = i.AmountReceived,
        ["amount_refunded"] = i.AmountRefunded,
        ["currency"] = i.Currency.ToLowerInvariant(),
        ["captured"] = i.AmountReceived > 0,
        ["refunded"] = i.AmountReceived > 0 && i.AmountRefunded >= i.AmountReceived,
        ["payment_intent"] = i.Id,
        ["metadata"] = i.Metadata is { } m ? JsonNode.Parse(m) : new JsonObject(),
    };

    public static JsonObject Dispute(SimulatedIntent i, string disputeId, long fee) => new()
    {
        ["id"] = disputeId,
        ["object"] = "dispute",
        ["amount"] = i.AmountReceived,
        ["currency"] = i.Currency.ToLowerInvariant(),
        ["charge"] = ChargeId(i.Id),
        ["payment_intent"] = i.Id,
        ["reason"] = "fraudulent",
        ["status"] = "needs_response",
        ["balance_transactions"] = new JsonArray(new JsonObject { ["amount"] = -i.AmountReceived, ["fee"] = fee, ["currency"] = i.Currency.ToLowerInvariant() }),
    };

    public static SimulatedWebhookDelivery Event(string type, JsonObject dataObject, DateTimeOffset now)
    {
        var id = NewId("evt");
        var body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = now.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = dataObject },
        };
        return new SimulatedWebhookDelivery
        {
            EventId = id,
            Type = type,
            Payload = body.ToJsonString(new JsonSerializerOptions { WriteIndented = false }),
            CreatedAt = now,
            NextAttemptAt = now,
            Status = DeliveryStatus.Pending,
        };
    }
}
