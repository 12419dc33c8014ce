using System.Collections.Concurrent;
using Encore.Contracts.Payments;

namespace Encore.Tests.Orders;

/// <summary>
/// TEST ONLY: a stand-in for the Payments module's IPaymentService (being built on the `payments`
/// branch) with Stripe's test payment-method ids. It records every call so a test can compare the
/// amount authorized with the amount shown. One instance may serve two app instances (a shared gateway).
/// </summary>
public sealed class TestPaymentService : IPaymentService
{
    public const string Visa = "pm_card_visa";
    public const string Declined = "pm_card_chargeDeclined";
    public const string ThreeDSecure = "pm_card_threeDSecureRequired";

    readonly ConcurrentDictionary<Guid, PaymentStatus> payments = new();
    readonly ConcurrentDictionary<Guid, RefundStatus> refunds = new();
    public ConcurrentQueue<string> Calls { get; } = new();
    /// <summary>Awaited inside AuthorizeAsync, so a test can hold authorizations until both racers are in flight.</summary>
    public Func<AuthorizePayment, Task>? BeforeAuthorize { get; set; }
    public bool FailCaptures { get; set; }

    public IReadOnlyCollection<PaymentStatus> Payments => payments.Values.ToList();
    public IReadOnlyCollection<RefundStatus> Refunds => refunds.Values.ToList();
    public PaymentStatus? Find(Guid paymentId) => payments.GetValueOrDefault(paymentId);

    public async Task<PaymentStatus> AuthorizeAsync(AuthorizePayment request, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"authorize {request.PaymentId} {request.Amount} {request.Currency}");
        if (payments.TryGetValue(request.PaymentId, out var known)) return known;
        if (BeforeAuthorize is { } hook) await hook(request);
        var status = request.PaymentMethod switch
        {
            Visa => Status(request, PaymentState.Authorized),
            ThreeDSecure => Status(request, PaymentState.RequiresAction) with { NextActionUrl = $"/test-3ds/{request.PaymentId}" },
            _ => Status(request, PaymentState.Failed) with { FailureCode = "card_declined", FailureMessage = "Your card was declined." },
        };
        return payments.GetOrAdd(request.PaymentId, status);
    }

    static PaymentStatus Status(AuthorizePayment r, PaymentState state) =>
        new(r.PaymentId, r.OrderId, state, r.Amount, r.Currency, null, null, null, 0, "test", "pi_" + r.PaymentId.ToString("N"));

    /// <summary>The buyer passes (or fails) the 3-D Secure challenge.</summary>
    public PaymentStatus CompleteChallenge(Guid paymentId, bool pass) =>
        payments.AddOrUpdate(paymentId, _ => throw new InvalidOperationException("unknown payment"),
            (_, p) => pass ? p with { State = PaymentState.Authorized, NextActionUrl = null } : p with { State = PaymentState.Failed, FailureCode = "authentication_failed", FailureMessage = "The check failed." });

    public Task<PaymentStatus?> GetAsync(Guid paymentId, CancellationToken cancellationToken) => Task.FromResult(payments.GetValueOrDefault(paymentId));

    public Task<PaymentStatus> CaptureAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"capture {paymentId}");
        if (FailCaptures) throw new HttpRequestException("gateway down");
        return Task.FromResult(payments.AddOrUpdate(paymentId, _ => throw new InvalidOperationException("unknown payment"),
            (_, p) => p.State is PaymentState.Authorized or PaymentState.Captured ? p with { State = PaymentState.Captured } : p));
    }

    public Task<PaymentStatus> VoidAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"void {paymentId}");
        return Task.FromResult(payments.AddOrUpdate(paymentId, _ => throw new InvalidOperationException("unknown payment"),
            (_, p) => p.State is PaymentState.Authorized or PaymentState.RequiresAction ? p with { State = PaymentState.Voided } : p));
    }

    public Task<RefundStatus> RefundAsync(RefundPayment request, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"refund {request.RefundId} {request.Amount}");
        return Task.FromResult(refunds.GetOrAdd(request.RefundId, _ =>
        {
            var payment = payments.GetValueOrDefault(request.PaymentId);
            var already = refunds.Values.Where(r => r.PaymentId == request.PaymentId && r.Succeeded).Sum(r => r.Amount);
            return payment is { State: PaymentState.Captured } && request.Amount > 0 && already + request.Amount <= payment.Amount
                ? new RefundStatus(request.RefundId, request.PaymentId, request.Amount, true, null)
                : new RefundStatus(request.RefundId, request.PaymentId, request.Amount, false, "Not refundable");
        }));
    }
}
