using System.Security.Cryptography;
using System.Text;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.Payments;
using Encore.Payments.Fraud;
using Encore.Payments.Gateway;
using Encore.Payments.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Encore.Payments.Authorization;

/// <summary>
/// The payments port. Every call is idempotent on its payment or refund id: the row is written
/// first under its primary key, so of two concurrent calls one inserts and drives the gateway (with
/// the id as the gateway's idempotency key) and the other waits for that outcome. A gateway call
/// that dies midway leaves the attempt leased; once the lease runs out the next call with the same
/// id drives it again, and the gateway's idempotency key makes that a replay, not a second charge.
/// </summary>
internal sealed class PaymentService(
    PaymentsDbContext db, IPaymentGateway gateway, FraudScreen fraud, PaymentsOptions options, TimeProvider clock,
    ILogger<PaymentService> logger) : IPaymentService
{
    const int FollowPolls = 1200;
    static readonly TimeSpan FollowDelay = TimeSpan.FromMilliseconds(50);

    TimeSpan Lease => TimeSpan.FromSeconds(options.AttemptLeaseSeconds);

    public async Task<PaymentStatus> AuthorizeAsync(AuthorizePayment request, CancellationToken ct)
    {
        Validate(request);
        var now = clock.GetUtcNow();
        var attempt = new PaymentAttempt
        {
            Id = request.PaymentId,
            OrderId = request.OrderId,
            BuyerId = request.BuyerId,
            OrganizerId = request.OrganizerId,
            EventId = request.EventId,
            Amount = request.Amount,
            Currency = request.Currency,
            PaymentMethod = request.PaymentMethod,
            ReturnUrl = request.ReturnUrl,
            Provider = gateway.Provider,
            RequestHash = Hash(request),
            IpAddress = Truncate(request.Signals.IpAddress, 64),
            DeviceId = Truncate(request.Signals.DeviceId, 100),
            BillingCountry = request.Signals.BillingCountry is { Length: 2 } b ? b.ToUpperInvariant() : null,
            State = AttemptState.Processing,
            LeaseUntil = now + Lease,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // The row is committed before the fraud screen counts: its count then includes every attempt
        // committed before it, so a burst sharing an account, card, device or address cannot all pass
        // a velocity rule, and nothing waits on a lock (FraudScreen.CountAsync). A duplicate id stops
        // here, before any screening. A crash before the decision is saved leaves an attempt without
        // one: whoever takes it over when its lease ends screens it (DriveAsync).
        var card = await gateway.DescribePaymentMethodAsync(request.PaymentMethod, ct);
        (attempt.CardFingerprint, attempt.CardCountry) = (card?.Fingerprint, card?.Country);
        db.Attempts.Add(attempt);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The id is taken: a retry, or a concurrent duplicate. Its outcome is the answer.
            db.ChangeTracker.Clear();
            return await FollowAsync(request, ct);
        }
        var decision = await ScreenAsync(attempt, request, card, ct);
        if (decision is not null) db.FraudDecisions.Add(decision);
        await db.SaveChangesAsync(ct);
        if (attempt.State == AttemptState.Processing)
            await CallGatewayAsync(attempt, decision!.Outcome == FraudOutcome.RequireThreeDSecure, publish: false, ct);
        return attempt.ToStatus();
    }

    /// <summary>Records the card on an attempt and screens it; an unknown card, a block or a review settles the attempt before any gateway call.</summary>
    async Task<FraudDecision?> ScreenAsync(PaymentAttempt attempt, AuthorizePayment request, CardDetails? card, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (card is null)
        {
            Fail(attempt, "invalid_payment_method", "The payment method is not known to the gateway.", publish: false, now);
            return null;
        }
        attempt.CardFingerprint = card.Fingerprint;
        attempt.CardCountry = card.Country;
        var decision = await fraud.DecideAsync(attempt, request, card, ct);
        switch (decision.Outcome)
        {
            case FraudOutcome.Block:
                Fail(attempt, "fraud_blocked", "This payment was declined.", publish: false, now);
                attempt.State = AttemptState.Blocked;
                break;
            case FraudOutcome.Review:
                attempt.State = AttemptState.InReview;
                attempt.LeaseUntil = null;
                break;
        }
        return decision;
    }

    public async Task<PaymentStatus?> GetAsync(Guid paymentId, CancellationToken ct) =>
        (await db.Attempts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == paymentId, ct))?.ToStatus();

    public async Task<PaymentStatus> CaptureAsync(Guid paymentId, CancellationToken ct)
    {
        for (var pass = 0; ; pass++)
        {
            // The checkout captures in the scope that authorized: the attempt it left tracked saves a
            // read. Its concurrency token still refuses a save over another instance's change, and the
            // next pass reads afresh.
            var attempt = pass == 0 ? db.Attempts.Local.FirstOrDefault(a => a.Id == paymentId && a.State == AttemptState.Authorized) : null;
            if (attempt is null || db.Entry(attempt).State != EntityState.Unchanged)
            {
                db.ChangeTracker.Clear();
                attempt = await FindAsync(paymentId, ct);
            }
            if (attempt.State != AttemptState.Authorized) return attempt.ToStatus();
            GatewayIntent intent;
            try
            {
                intent = await gateway.CaptureAsync(attempt.ProviderReference!, $"capture-{paymentId:D}", ct);
            }
            catch (GatewayRequestException ex)
            {
                // The gateway will not capture (the authorization expired or was cancelled there): take its word for the state.
                logger.LogWarning("Capture of payment {PaymentId} refused by {Provider}: {Code} {Message}", paymentId, gateway.Provider, ex.Code, ex.Message);
                intent = await gateway.RetrieveAsync(attempt.ProviderReference!, ct);
            }
            Apply(attempt, intent, publish: false);
            if (await TrySaveAsync(ct)) return attempt.ToStatus();
            if (pass >= 5) return (await FindAsync(paymentId, ct, tracked: false)).ToStatus();
        }
    }

    public async Task<PaymentStatus> VoidAsync(Guid paymentId, CancellationToken ct)
    {
        for (var pass = 0; ; pass++)
        {
            db.ChangeTracker.Clear();
            var attempt = await FindAsync(paymentId, ct);
            if (attempt.State == AttemptState.Processing)
            {
                await WaitWhileProcessingAsync(paymentId, ct);
                continue;
            }
            var now = clock.GetUtcNow();
            switch (attempt.State)
            {
                case AttemptState.InReview:
                    attempt.State = AttemptState.Voided;
                    attempt.Touch(now);
                    break;
                case AttemptState.Authorized or AttemptState.RequiresAction:
                    GatewayIntent intent;
                    try
                    {
                        intent = await gateway.CancelAsync(attempt.ProviderReference!, $"cancel-{paymentId:D}", ct);
                    }
                    catch (GatewayRequestException)
                    {
                        intent = await gateway.RetrieveAsync(attempt.ProviderReference!, ct);
                    }
                    Apply(attempt, intent, publish: false);
                    break;
                default:
                    return attempt.ToStatus();
            }
            if (await TrySaveAsync(ct) || pass >= 5) return (await FindAsync(paymentId, ct, tracked: false)).ToStatus();
        }
    }

    public async Task<RefundStatus> RefundAsync(RefundPayment request, CancellationToken ct)
    {
        if (request.Amount <= 0) throw new ArgumentOutOfRangeException(nameof(request), "A refund amount is positive.");
        for (var pass = 0; pass < 20; pass++)
        {
            db.ChangeTracker.Clear();
            if (await db.Refunds.SingleOrDefaultAsync(r => r.Id == request.RefundId, ct) is { } existing)
            {
                if (existing.Outcome != RefundOutcome.Pending) return existing.ToStatus();
                if (existing.CreatedAt + Lease > clock.GetUtcNow())
                {
                    await Task.Delay(FollowDelay, ct);
                    continue;
                }
                // The call that made it died before the gateway answered: ask again with the same key.
                return await DriveRefundAsync(existing, ct);
            }

            var attempt = await FindAsync(request.PaymentId, ct);
            var now = clock.GetUtcNow();
            var refund = new PaymentRefund
            {
                Id = request.RefundId, PaymentId = attempt.Id, OrderId = attempt.OrderId, Amount = request.Amount,
                Currency = attempt.Currency, Reason = Truncate(request.Reason, 500) ?? "", CreatedAt = now, Outcome = RefundOutcome.Pending,
            };
            if (attempt.State != AttemptState.Captured || attempt.AmountRefunded + request.Amount > attempt.Amount)
            {
                refund.Outcome = RefundOutcome.Failed;
                refund.FailureMessage = attempt.State != AttemptState.Captured
                    ? "Only a captured payment can be refunded."
                    : $"Only {attempt.Amount - attempt.AmountRefunded} of {attempt.Amount} is left to refund.";
                refund.CompletedAt = now;
            }
            else
            {
                // The reservation and the refund row commit together: concurrent refunds of one payment cannot exceed it.
                attempt.AmountRefunded += request.Amount;
                attempt.Touch(now);
            }
            db.Refunds.Add(refund);
            if (!await TrySaveAsync(ct)) continue;
            return refund.Outcome == RefundOutcome.Pending ? await DriveRefundAsync(refund, ct) : refund.ToStatus();
        }
        throw new InvalidOperationException($"Refund {request.RefundId} kept conflicting with concurrent changes.");
    }

    /// <summary>Learns a waiting attempt's outcome from the gateway (the buyer came back from the challenge) and publishes it once.</summary>
    public async Task<PaymentAttempt?> SyncAsync(Guid paymentId, CancellationToken ct)
    {
        for (var pass = 0; pass < 5; pass++)
        {
            db.ChangeTracker.Clear();
            var attempt = await db.Attempts.SingleOrDefaultAsync(a => a.Id == paymentId, ct);
            if (attempt is null || attempt.ProviderReference is null || attempt.State != AttemptState.RequiresAction) return attempt;
            var intent = await gateway.RetrieveAsync(attempt.ProviderReference, ct);
            Apply(attempt, intent, publish: true);
            if (await TrySaveAsync(ct)) return attempt;
        }
        return await db.Attempts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == paymentId, ct);
    }

    /// <summary>Whether an event about this intent could change its attempt: only an attempt waiting on the buyer's challenge learns from one (see <see cref="ApplyWebhookIntentAsync"/>).</summary>
    public Task<bool> WaitsForAsync(Guid? paymentId, string intentId, CancellationToken ct) => paymentId is { } id
        ? db.Attempts.AsNoTracking().AnyAsync(a => a.Id == id && a.State == AttemptState.RequiresAction && a.ProviderReference == intentId, ct)
        : db.Attempts.AsNoTracking().AnyAsync(a => a.ProviderReference == intentId && a.State == AttemptState.RequiresAction, ct);

    /// <summary>Applies an intent a webhook carried to the attempt it belongs to; a no-op when the attempt already knows.</summary>
    public async Task ApplyWebhookIntentAsync(Guid? paymentId, GatewayIntent intent, CancellationToken ct)
    {
        for (var pass = 0; pass < 5; pass++)
        {
            db.ChangeTracker.Clear();
            var attempt = paymentId is { } id
                ? await db.Attempts.SingleOrDefaultAsync(a => a.Id == id, ct)
                : await db.Attempts.SingleOrDefaultAsync(a => a.ProviderReference == intent.Id, ct);
            // An attempt still being authorized learns the outcome from its own call; settled ones already know it.
            if (attempt is null || attempt.State != AttemptState.RequiresAction || attempt.ProviderReference != intent.Id) return;
            Apply(attempt, intent, publish: true);
            if (await TrySaveAsync(ct)) return;
        }
    }

    /// <summary>An operator approved an attempt the screen held: authorize it now; the outcome reaches Orders as an event.</summary>
    public async Task<PaymentAttempt?> ApproveAsync(Guid paymentId, Guid reviewer, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var attempt = await db.Attempts.SingleOrDefaultAsync(a => a.Id == paymentId, ct);
        var decision = await db.FraudDecisions.SingleOrDefaultAsync(d => d.PaymentId == paymentId, ct);
        if (attempt is null || decision is null || attempt.State != AttemptState.InReview) return attempt;
        var now = clock.GetUtcNow();
        attempt.State = AttemptState.Processing;
        attempt.LeaseUntil = now + Lease;
        attempt.Touch(now);
        decision.Resolution = ReviewResolution.Approved;
        decision.ReviewedBy = reviewer;
        decision.ReviewedAt = now;
        if (!await TrySaveAsync(ct)) return await db.Attempts.AsNoTracking().SingleAsync(a => a.Id == paymentId, ct);
        try
        {
            await CallGatewayAsync(attempt, requestThreeDSecure: false, publish: true, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The gateway could not be reached: put the payment back in the queue so the approval can be given again.
            db.ChangeTracker.Clear();
            var back = await db.Attempts.SingleAsync(a => a.Id == paymentId, ct);
            var open = await db.FraudDecisions.SingleAsync(d => d.PaymentId == paymentId, ct);
            if (back.State == AttemptState.Processing)
            {
                back.State = AttemptState.InReview;
                back.LeaseUntil = null;
                back.Touch(clock.GetUtcNow());
                open.Resolution = null;
                open.ReviewedBy = null;
                open.ReviewedAt = null;
                await db.SaveChangesAsync(CancellationToken.None);
            }
            throw;
        }
        return attempt;
    }

    /// <summary>An operator rejected an attempt the screen held: it fails, and Orders learns it.</summary>
    public async Task<PaymentAttempt?> RejectAsync(Guid paymentId, Guid reviewer, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var attempt = await db.Attempts.SingleOrDefaultAsync(a => a.Id == paymentId, ct);
        var decision = await db.FraudDecisions.SingleOrDefaultAsync(d => d.PaymentId == paymentId, ct);
        if (attempt is null || decision is null || attempt.State != AttemptState.InReview) return attempt;
        var now = clock.GetUtcNow();
        Fail(attempt, "review_rejected", "The payment could not be accepted after review.", publish: true, now);
        decision.Resolution = ReviewResolution.Rejected;
        decision.ReviewedBy = reviewer;
        decision.ReviewedAt = now;
        await TrySaveAsync(ct);
        return await db.Attempts.AsNoTracking().SingleAsync(a => a.Id == paymentId, ct);
    }

    /// <summary>Takes over an attempt whose caller died before the gateway answered (its lease ran out).</summary>
    async Task<PaymentStatus> DriveAsync(PaymentAttempt attempt, AuthorizePayment request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var decision = await db.FraudDecisions.SingleOrDefaultAsync(d => d.PaymentId == attempt.Id, ct);
        if (decision is null)
        {
            decision = await ScreenAsync(attempt, request, await gateway.DescribePaymentMethodAsync(request.PaymentMethod, ct), ct);
            if (decision is not null) db.FraudDecisions.Add(decision);
            attempt.Touch(now);
            await db.SaveChangesAsync(ct);
        }
        else
        {
            if (decision.Outcome == FraudOutcome.Block)
            {
                Fail(attempt, "fraud_blocked", "This payment was declined.", publish: false, now);
                attempt.State = AttemptState.Blocked;
            }
            else if (decision.Outcome == FraudOutcome.Review)
            {
                attempt.State = AttemptState.InReview;
                attempt.LeaseUntil = null;
            }
            attempt.Touch(now);
            await db.SaveChangesAsync(ct);
        }
        if (decision is null || attempt.State != AttemptState.Processing) return attempt.ToStatus();
        await CallGatewayAsync(attempt, decision.Outcome == FraudOutcome.RequireThreeDSecure, publish: false, ct);
        return attempt.ToStatus();
    }

    async Task CallGatewayAsync(PaymentAttempt attempt, bool requestThreeDSecure, bool publish, CancellationToken ct)
    {
        GatewayIntent intent;
        try
        {
            intent = await gateway.CreateAndConfirmAsync(new CreateIntent(
                attempt.Id.ToString("D"), attempt.Amount, attempt.Currency, attempt.PaymentMethod,
                PaymentsPaths.Return(options, attempt.Id), requestThreeDSecure,
                new Dictionary<string, string>
                {
                    ["payment_id"] = attempt.Id.ToString("D"),
                    ["order_id"] = attempt.OrderId.ToString("D"),
                }), ct);
        }
        catch (GatewayRequestException ex)
        {
            Fail(attempt, ex.Code, ex.Message.Length > 500 ? ex.Message[..500] : ex.Message, publish, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return;
        }
        Apply(attempt, intent, publish);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Moves the attempt to what the gateway says; an attempt that was waiting (challenge, review) announces the outcome once.</summary>
    void Apply(PaymentAttempt attempt, GatewayIntent intent, bool publish)
    {
        var now = clock.GetUtcNow();
        var before = attempt.State;
        // A request Stripe refused before creating an intent has no id to remember.
        if (intent.Id.Length > 0) attempt.ProviderReference = intent.Id;
        attempt.LeaseUntil = null;
        switch (intent.Status)
        {
            case GatewayIntent.RequiresCapture:
                attempt.State = AttemptState.Authorized;
                attempt.AuthorizedAt ??= now;
                attempt.NextActionUrl = null;
                break;
            case GatewayIntent.Succeeded:
                attempt.State = AttemptState.Captured;
                attempt.AuthorizedAt ??= now;
                attempt.CapturedAt ??= now;
                attempt.GatewayFee = intent.Fee;
                break;
            case GatewayIntent.RequiresAction:
                attempt.State = AttemptState.RequiresAction;
                attempt.NextActionUrl = intent.NextActionUrl;
                break;
            case GatewayIntent.Canceled:
                // Cancelled at the gateway while the buyer was still to act (or by our void): nothing is held.
                if (before == AttemptState.RequiresAction && publish)
                    Fail(attempt, "canceled", "The payment was cancelled.", publish, now);
                else
                    attempt.State = AttemptState.Voided;
                break;
            case GatewayIntent.RequiresPaymentMethod:
                Fail(attempt, intent.DeclineCode ?? intent.ErrorCode ?? "card_declined", intent.ErrorMessage ?? "Your card was declined.", publish, now);
                return;
        }
        attempt.Touch(now);
        if (publish && attempt.State == AttemptState.Authorized && before is AttemptState.RequiresAction or AttemptState.Processing)
            db.AddToOutbox(new PaymentAuthorized(attempt.Id, attempt.OrderId, attempt.Amount, attempt.Currency, now), clock);
    }

    void Fail(PaymentAttempt attempt, string code, string message, bool publish, DateTimeOffset now)
    {
        attempt.State = AttemptState.Failed;
        attempt.FailureCode = code.Length > 100 ? code[..100] : code;
        attempt.FailureMessage = message;
        attempt.NextActionUrl = null;
        attempt.LeaseUntil = null;
        attempt.Touch(now);
        if (publish) db.AddToOutbox(new PaymentFailed(attempt.Id, attempt.OrderId, attempt.FailureCode, message, now), clock);
    }

    async Task<RefundStatus> DriveRefundAsync(PaymentRefund refund, CancellationToken ct)
    {
        var attempt = await db.Attempts.AsNoTracking().SingleAsync(a => a.Id == refund.PaymentId, ct);
        GatewayRefund? result = null;
        string? failure = null;
        try
        {
            result = await gateway.RefundAsync(attempt.ProviderReference!, refund.Amount, $"refund-{refund.Id:D}", ct);
            if (!result.Succeeded) failure = result.FailureReason ?? "The gateway refused the refund.";
        }
        catch (GatewayRequestException ex)
        {
            failure = ex.Message;
        }

        for (var pass = 0; pass < 10; pass++)
        {
            db.ChangeTracker.Clear();
            var row = await db.Refunds.SingleAsync(r => r.Id == refund.Id, ct);
            if (row.Outcome != RefundOutcome.Pending) return row.ToStatus();
            var now = clock.GetUtcNow();
            row.CompletedAt = now;
            row.ProviderReference = result?.Id;
            if (failure is null) row.Outcome = RefundOutcome.Succeeded;
            else
            {
                row.Outcome = RefundOutcome.Failed;
                row.FailureMessage = failure.Length > 500 ? failure[..500] : failure;
                // Give the reservation back: the money never left.
                var payment = await db.Attempts.SingleAsync(a => a.Id == refund.PaymentId, ct);
                payment.AmountRefunded -= refund.Amount;
                payment.Touch(now);
            }
            if (await TrySaveAsync(ct)) return row.ToStatus();
        }
        throw new InvalidOperationException($"Refund {refund.Id} kept conflicting with concurrent changes.");
    }

    async Task<PaymentStatus> FollowAsync(AuthorizePayment request, CancellationToken ct)
    {
        for (var poll = 0; poll < FollowPolls; poll++)
        {
            db.ChangeTracker.Clear();
            var attempt = await FindAsync(request.PaymentId, ct);
            if (attempt.State != AttemptState.Processing) return attempt.ToStatus();
            var now = clock.GetUtcNow();
            if (attempt.LeaseUntil < now)
            {
                attempt.LeaseUntil = now + Lease;
                attempt.Touch(now);
                if (await TrySaveAsync(ct)) return await DriveAsync(attempt, request, ct);
                continue;
            }
            await Task.Delay(FollowDelay, ct);
        }
        throw new TimeoutException($"Payment {request.PaymentId} is still being authorized by another call.");
    }

    async Task WaitWhileProcessingAsync(Guid paymentId, CancellationToken ct)
    {
        for (var poll = 0; poll < FollowPolls; poll++)
        {
            var attempt = await db.Attempts.AsNoTracking().SingleAsync(a => a.Id == paymentId, ct);
            if (attempt.State != AttemptState.Processing || attempt.LeaseUntil < clock.GetUtcNow()) return;
            await Task.Delay(FollowDelay, ct);
        }
        throw new TimeoutException($"Payment {paymentId} is still being authorized by another call.");
    }

    async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    async Task<PaymentAttempt> FindAsync(Guid paymentId, CancellationToken ct, bool tracked = true)
    {
        var query = tracked ? db.Attempts : db.Attempts.AsNoTracking();
        return await query.SingleOrDefaultAsync(a => a.Id == paymentId, ct)
            ?? throw new KeyNotFoundException($"No payment {paymentId}.");
    }

    static void Validate(AuthorizePayment request)
    {
        if (request.PaymentId == Guid.Empty) throw new ArgumentException("A payment id is required.", nameof(request));
        if (request.Amount <= 0) throw new ArgumentException("The amount must be positive.", nameof(request));
        if (!Encore.BuildingBlocks.Money.IsCurrencyCode(request.Currency)) throw new ArgumentException("The currency must be an ISO 4217 code.", nameof(request));
        if (string.IsNullOrWhiteSpace(request.PaymentMethod) || request.PaymentMethod.Length > 200)
            throw new ArgumentException("A payment method token is required.", nameof(request));
        if (!PaymentsPaths.IsLocalPath(request.ReturnUrl))
            throw new ArgumentException("The return URL must be an absolute path on this site.", nameof(request));
    }

    static string Hash(AuthorizePayment r) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{r.OrderId}|{r.Amount}|{r.Currency}|{r.PaymentMethod}|{r.ReturnUrl}")));

    static string? Truncate(string? value, int max) => value is null ? null : value.Length > max ? value[..max] : value;
}
