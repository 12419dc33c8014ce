using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Payments.Gateway.Simulated;

/// <summary>
/// The built-in gateway: Stripe's PaymentIntent life cycle with manual capture, driven by Stripe's
/// test cards. Its intents live in the database (its own tables, its own unit of work per call) so
/// every instance and a restart see them; idempotency keys are unique there, so two concurrent calls
/// with one key create one intent. Each state change queues the webhook Stripe would send, in the
/// same transaction.
/// </summary>
internal sealed class SimulatedGateway(IServiceScopeFactory scopes, PaymentsOptions options, TimeProvider clock) : IPaymentGateway
{
    public const string Name = "simulated";
    public const long DisputeFee = 1500;

    public string Provider => Name;

    public Task<CardDetails?> DescribePaymentMethodAsync(string paymentMethod, CancellationToken ct) =>
        Task.FromResult(TestCards.ByPaymentMethod(paymentMethod) is { } card
            ? new CardDetails(card.Fingerprint, card.Brand, card.Last4, card.Country)
            : null);

    public async Task<GatewayIntent> CreateAndConfirmAsync(CreateIntent request, CancellationToken ct)
    {
        var card = TestCards.ByPaymentMethod(request.PaymentMethod)
            ?? throw new GatewayRequestException("resource_missing", $"No such PaymentMethod: '{request.PaymentMethod}'", 400);
        var hash = Hash($"{request.Amount}|{request.Currency}|{request.PaymentMethod}|{request.ReturnUrl}|{request.RequestThreeDSecure}");

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        // Insert first: a key seen before fails the unique index, and only then is the earlier intent read.
        var now = clock.GetUtcNow();
        var intent = new SimulatedIntent
        {
            Id = SimulatedEvents.NewId("pi"),
            IdempotencyKey = request.IdempotencyKey,
            RequestHash = hash,
            Amount = request.Amount,
            Currency = request.Currency,
            PaymentMethod = request.PaymentMethod,
            ReturnUrl = request.ReturnUrl,
            Metadata = JsonSerializer.Serialize(request.Metadata),
            CreatedAt = now,
            UpdatedAt = now,
        };
        string eventType;
        if (card.Behaviour == CardBehaviour.Declines)
        {
            intent.Status = GatewayIntent.RequiresPaymentMethod;
            intent.ErrorCode = card.ErrorCode;
            intent.DeclineCode = card.DeclineCode;
            intent.ErrorMessage = card.Message;
            eventType = "payment_intent.payment_failed";
        }
        else if (card.Behaviour == CardBehaviour.RequiresAuthentication || request.RequestThreeDSecure)
        {
            intent.Status = GatewayIntent.RequiresAction;
            eventType = "payment_intent.requires_action";
        }
        else
        {
            intent.Status = GatewayIntent.RequiresCapture;
            intent.AmountCapturable = intent.Amount;
            eventType = "payment_intent.amount_capturable_updated";
        }
        db.SimulatedIntents.Add(intent);
        db.SimulatedWebhooks.Add(SimulatedEvents.Event(eventType, SimulatedEvents.Intent(intent), now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The key was used before (a retry) or concurrently: the first request's intent is the answer to both.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, request.IdempotencyKey, hash, ct)
                ?? throw new GatewayRequestException("idempotency_error", "A concurrent request with this key is still running.", 409);
        }
        return ToGateway(intent);
    }

    /// <summary>The intent itself, for the simulated gateway's own pages.</summary>
    public async Task<SimulatedIntent?> FindAsync(string intentId, CancellationToken ct)
    {
        if (intentId.Length > 40) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        return await db.SimulatedIntents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == intentId, ct);
    }

    public async Task<GatewayIntent> RetrieveAsync(string intentId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var intent = await db.SimulatedIntents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == intentId, ct)
            ?? throw Missing(intentId);
        return ToGateway(intent);
    }

    public Task<GatewayIntent> CaptureAsync(string intentId, string idempotencyKey, CancellationToken ct) =>
        TransitionAsync(intentId, ct, (db, intent, now) =>
        {
            if (intent.Status == GatewayIntent.Succeeded) return false;
            if (intent.Status != GatewayIntent.RequiresCapture) throw UnexpectedState(intent, "capture");
            intent.Status = GatewayIntent.Succeeded;
            intent.AmountReceived = intent.AmountCapturable;
            intent.AmountCapturable = 0;
            intent.Fee = Fee(intent.AmountReceived);
            db.SimulatedWebhooks.Add(SimulatedEvents.Event("payment_intent.succeeded", SimulatedEvents.Intent(intent), now));
            if (TestCards.ByPaymentMethod(intent.PaymentMethod)?.Behaviour == CardBehaviour.SucceedsThenDisputed)
                db.SimulatedWebhooks.Add(SimulatedEvents.Event("charge.dispute.created", SimulatedEvents.Dispute(intent, SimulatedEvents.NewId("dp"), DisputeFee), now));
            return true;
        });

    public Task<GatewayIntent> CancelAsync(string intentId, string idempotencyKey, CancellationToken ct) =>
        TransitionAsync(intentId, ct, (db, intent, now) =>
        {
            if (intent.Status == GatewayIntent.Canceled) return false;
            if (intent.Status is GatewayIntent.Succeeded or GatewayIntent.Processing) throw UnexpectedState(intent, "cancel");
            intent.Status = GatewayIntent.Canceled;
            intent.AmountCapturable = 0;
            db.SimulatedWebhooks.Add(SimulatedEvents.Event("payment_intent.canceled", SimulatedEvents.Intent(intent), now));
            return true;
        });

    /// <summary>The buyer passed or failed the simulated challenge page.</summary>
    public Task<GatewayIntent> CompleteChallengeAsync(string intentId, bool passed, CancellationToken ct) =>
        TransitionAsync(intentId, ct, (db, intent, now) =>
        {
            if (intent.Status != GatewayIntent.RequiresAction) return false;
            if (passed)
            {
                intent.Status = GatewayIntent.RequiresCapture;
                intent.AmountCapturable = intent.Amount;
                db.SimulatedWebhooks.Add(SimulatedEvents.Event("payment_intent.amount_capturable_updated", SimulatedEvents.Intent(intent), now));
            }
            else
            {
                intent.Status = GatewayIntent.RequiresPaymentMethod;
                intent.ErrorCode = "payment_intent_authentication_failure";
                intent.DeclineCode = null;
                intent.ErrorMessage = "The card holder did not pass 3-D Secure authentication.";
                db.SimulatedWebhooks.Add(SimulatedEvents.Event("payment_intent.payment_failed", SimulatedEvents.Intent(intent), now));
            }
            return true;
        });

    public async Task<GatewayRefund> RefundAsync(string intentId, long amount, string idempotencyKey, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            if (await db.SimulatedRefunds.AsNoTracking().SingleOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, ct) is { } earlier)
                return new GatewayRefund(earlier.Id, earlier.Status, earlier.Amount, null);

            var intent = await db.SimulatedIntents.SingleOrDefaultAsync(i => i.Id == intentId, ct) ?? throw Missing(intentId);
            if (intent.Status != GatewayIntent.Succeeded)
                throw new GatewayRequestException("charge_not_captured", $"PaymentIntent {intentId} has no captured charge to refund.", 400);
            if (amount <= 0 || amount > intent.AmountReceived - intent.AmountRefunded)
                throw new GatewayRequestException("amount_too_large",
                    $"Refund amount ({amount}) is greater than unrefunded amount on charge ({intent.AmountReceived - intent.AmountRefunded}).", 400);

            var now = clock.GetUtcNow();
            var refund = new SimulatedRefund { Id = SimulatedEvents.NewId("re"), IdempotencyKey = idempotencyKey, IntentId = intentId, Amount = amount, Status = "succeeded", CreatedAt = now };
            intent.AmountRefunded += amount;
            intent.UpdatedAt = now;
            intent.Version++;
            db.SimulatedRefunds.Add(refund);
            db.SimulatedWebhooks.Add(SimulatedEvents.Event("charge.refunded", SimulatedEvents.Charge(intent), now));
            try
            {
                await db.SaveChangesAsync(ct);
                return new GatewayRefund(refund.Id, refund.Status, refund.Amount, null);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Another refund of this intent (or this very key) committed first: look again.
            }
        }
    }

    async Task<GatewayIntent> TransitionAsync(string intentId, CancellationToken ct, Func<PaymentsDbContext, SimulatedIntent, DateTimeOffset, bool> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            var intent = await db.SimulatedIntents.SingleOrDefaultAsync(i => i.Id == intentId, ct) ?? throw Missing(intentId);
            var now = clock.GetUtcNow();
            if (!change(db, intent, now)) return ToGateway(intent);
            intent.UpdatedAt = now;
            intent.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
                return ToGateway(intent);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // A concurrent call changed the intent first; the next pass sees its result.
            }
        }
    }

    static async Task<GatewayIntent?> ReplayAsync(PaymentsDbContext db, string key, string hash, CancellationToken ct)
    {
        var earlier = await db.SimulatedIntents.AsNoTracking().SingleOrDefaultAsync(i => i.IdempotencyKey == key, ct);
        if (earlier is null) return null;
        if (earlier.RequestHash != hash)
            throw new GatewayRequestException("idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.", 400);
        return ToGateway(earlier);
    }

    long Fee(long amount) => amount * options.Simulated.FeeBasisPoints / 10_000 + options.Simulated.FeeFixedMinor;

    static GatewayIntent ToGateway(SimulatedIntent i) => new(
        i.Id, i.Status, i.Amount, i.Currency, i.AmountCapturable, i.AmountReceived,
        i.Status == GatewayIntent.RequiresAction ? SimulatedEvents.ChallengePath(i.Id) : null,
        i.ErrorCode, i.DeclineCode, i.ErrorMessage, i.Fee);

    static GatewayRequestException Missing(string id) => new("resource_missing", $"No such payment_intent: '{id}'", 404);

    static GatewayRequestException UnexpectedState(SimulatedIntent i, string action) =>
        new("payment_intent_unexpected_state", $"You cannot {action} this PaymentIntent because it has a status of {i.Status}.", 400);

    static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
