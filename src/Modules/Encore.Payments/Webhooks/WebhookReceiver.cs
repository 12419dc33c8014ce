using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.MoneyFlow;
using Encore.Payments.Authorization;
using Encore.Payments.Gateway;
using Encore.Payments.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Encore.Payments.Webhooks;

/// <summary>What became of one delivery: the status code the gateway sees and, for a refusal, why.</summary>
internal sealed record WebhookOutcome(int StatusCode, string? Problem, bool Duplicate = false);

/// <summary>
/// Takes one gateway event: signature first (nothing is parsed before it checks), then the event id
/// is recorded under its primary key in the same transaction as the effect, so a replayed id or two
/// deliveries racing each other take effect once.
/// </summary>
internal sealed class WebhookReceiver(
    PaymentsDbContext db, PaymentService payments, IPaymentGateway gateway, WebhookSecrets secrets, PaymentsOptions options,
    TimeProvider clock, ILogger<WebhookReceiver> logger)
{
    public async Task<WebhookOutcome> ReceiveAsync(string provider, string? signature, string body, CancellationToken ct)
    {
        if (provider != gateway.Provider)
            return new(404, $"This site takes webhooks from its configured gateway ({gateway.Provider}), not '{provider}'.");
        var check = WebhookSignature.Verify(signature, body, secrets.For(provider), clock.GetUtcNow(), TimeSpan.FromSeconds(options.WebhookToleranceSeconds));
        if (check != SignatureCheck.Valid)
            return new(400, check switch
            {
                SignatureCheck.Missing => "The Stripe-Signature header is missing.",
                SignatureCheck.Malformed => "The Stripe-Signature header has no timestamp or no v1 signature.",
                SignatureCheck.OutsideTolerance => $"The signature's timestamp is more than {options.WebhookToleranceSeconds} s from now.",
                _ => "No signature matches the payload.",
            });

        string id, type;
        JsonObject data;
        try
        {
            var root = JsonNode.Parse(body)?.AsObject() ?? throw new JsonException("empty");
            id = (string?)root["id"] ?? throw new JsonException("no id");
            type = (string?)root["type"] ?? throw new JsonException("no type");
            data = root["data"]?["object"]?.AsObject() ?? throw new JsonException("no data.object");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return new(400, "The event is not a JSON object with id, type and data.object.");
        }
        if (id.Length > 100 || type.Length > 100) return new(400, "The event's id or type is too long.");

        if (IsIntentEvent(type) && await NothingWaitsAsync(data, ct))
        {
            // Most events tell an attempt what it already knows (its own call got the answer): no
            // effect to make atomic with the receipt, so the receipt is one insert.
            db.WebhookReceipts.Add(new WebhookReceipt { Provider = provider, EventId = id, Type = type, ReceivedAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return new(200, null, Duplicate: true);
            }
            return new(200, null);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.WebhookReceipts.Add(new WebhookReceipt { Provider = provider, EventId = id, Type = type, ReceivedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return new(200, null, Duplicate: true);
        }

        try
        {
            await HandleAsync(type, data, ct);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            logger.LogWarning(ex, "Webhook {EventId} ({Type}) from {Provider} could not be read", id, type, provider);
            return new(400, $"The {type} event's object could not be read.");
        }
        await transaction.CommitAsync(ct);
        return new(200, null);
    }

    async Task HandleAsync(string type, JsonObject data, CancellationToken ct)
    {
        switch (type)
        {
            case var _ when IsIntentEvent(type):
                await payments.ApplyWebhookIntentAsync(PaymentIdOf(data), ReadIntent(data), ct);
                break;
            case "charge.dispute.created":
                await OpenDisputeAsync(data, ct);
                break;
            default:
                // charge.refunded and the rest: our own refunds are recorded when the gateway answers; nothing else to do.
                break;
        }
    }

    async Task OpenDisputeAsync(JsonObject dispute, CancellationToken ct)
    {
        var disputeId = (string?)dispute["id"] ?? throw new JsonException("dispute without id");
        var intentId = (string?)dispute["payment_intent"] ?? throw new JsonException("dispute without payment_intent");
        var amount = (long?)dispute["amount"] ?? throw new JsonException("dispute without amount");
        var fee = dispute["balance_transactions"]?.AsArray().Sum(b => (long?)b?["fee"] ?? 0) ?? 0;
        db.ChangeTracker.Clear();
        var attempt = await db.Attempts.AsNoTracking().SingleOrDefaultAsync(a => a.ProviderReference == intentId, ct);
        if (attempt is null)
        {
            logger.LogWarning("Dispute {DisputeId} on unknown PaymentIntent {IntentId}", disputeId, intentId);
            return;
        }
        if (await db.Disputes.AnyAsync(d => d.ProviderReference == disputeId, ct)) return;
        var now = clock.GetUtcNow();
        var record = new PaymentDispute
        {
            Id = Ids.New(), ProviderReference = disputeId, PaymentId = attempt.Id, Amount = amount, Fee = fee,
            Currency = attempt.Currency, Reason = (string?)dispute["reason"] ?? "", OpenedAt = now,
        };
        db.Disputes.Add(record);
        db.AddToOutbox(new ChargebackOpened(record.Id, attempt.OrderId, attempt.OrganizerId, attempt.Currency, amount, fee, now), clock);
        await db.SaveChangesAsync(ct);
    }

    static bool IsIntentEvent(string type) =>
        type is "payment_intent.amount_capturable_updated" or "payment_intent.payment_failed" or "payment_intent.canceled" or "payment_intent.succeeded";

    static Guid? PaymentIdOf(JsonObject intent) => Guid.TryParse((string?)intent["metadata"]?["payment_id"], out var id) ? id : null;

    /// <summary>No attempt waits for this intent's news; an event that cannot be read takes the full path, which refuses it.</summary>
    async Task<bool> NothingWaitsAsync(JsonObject intent, CancellationToken ct)
    {
        Guid? paymentId;
        string? intentId;
        try
        {
            paymentId = PaymentIdOf(intent);
            intentId = (string?)intent["id"];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
        return intentId is { Length: > 0 and <= 100 } && !await payments.WaitsForAsync(paymentId, intentId, ct);
    }

    internal static GatewayIntent ReadIntent(JsonObject o)
    {
        var error = o["last_payment_error"] as JsonObject;
        var next = o["next_action"]?["redirect_to_url"]?["url"];
        return new GatewayIntent(
            (string?)o["id"] ?? throw new JsonException("intent without id"),
            (string?)o["status"] ?? throw new JsonException("intent without status"),
            (long?)o["amount"] ?? 0,
            ((string?)o["currency"] ?? "").ToUpperInvariant(),
            (long?)o["amount_capturable"] ?? 0,
            (long?)o["amount_received"] ?? 0,
            (string?)next,
            (string?)error?["code"], (string?)error?["decline_code"], (string?)error?["message"], 0);
    }
}
