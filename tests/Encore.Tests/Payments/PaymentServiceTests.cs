using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Payments;
using Encore.Payments.Gateway.Simulated;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tests.Payments;

/// <summary>The payments port over the simulated gateway, on both topologies: Stripe's test cards, manual capture, idempotency.</summary>
public sealed class PaymentServiceTests
{
    public static TheoryData<StorageProvider, string, PaymentState, string?> Cards => new()
    {
        { StorageProvider.Sqlite, "pm_card_visa", PaymentState.Authorized, null },
        { StorageProvider.Sqlite, "pm_card_mastercard", PaymentState.Authorized, null },
        { StorageProvider.Sqlite, "pm_card_visa_chargeDeclined", PaymentState.Failed, "generic_decline" },
        { StorageProvider.Sqlite, "pm_card_chargeDeclined", PaymentState.Failed, "generic_decline" },
        { StorageProvider.Sqlite, "pm_card_chargeDeclinedInsufficientFunds", PaymentState.Failed, "insufficient_funds" },
        { StorageProvider.Sqlite, "pm_card_visa_chargeDeclinedInsufficientFunds", PaymentState.Failed, "insufficient_funds" },
        { StorageProvider.Sqlite, "pm_card_visa_chargeDeclinedLostCard", PaymentState.Failed, "lost_card" },
        { StorageProvider.Sqlite, "pm_card_chargeDeclinedExpiredCard", PaymentState.Failed, "expired_card" },
        { StorageProvider.Sqlite, "pm_card_chargeDeclinedIncorrectCvc", PaymentState.Failed, "incorrect_cvc" },
        { StorageProvider.Sqlite, "pm_card_chargeDeclinedProcessingError", PaymentState.Failed, "processing_error" },
        { StorageProvider.Sqlite, "pm_card_radarBlock", PaymentState.Failed, "fraudulent" },
        { StorageProvider.Sqlite, "pm_card_authenticationRequired", PaymentState.RequiresAction, null },
        { StorageProvider.Sqlite, "pm_card_threeDSecure2Required", PaymentState.RequiresAction, null },
        { StorageProvider.Sqlite, "pm_card_createDispute", PaymentState.Authorized, null },
        { StorageProvider.Sqlite, "pm_card_unknown", PaymentState.Failed, "invalid_payment_method" },
        { StorageProvider.Postgres, "pm_card_visa", PaymentState.Authorized, null },
        { StorageProvider.Postgres, "pm_card_chargeDeclined", PaymentState.Failed, "generic_decline" },
        { StorageProvider.Postgres, "pm_card_chargeDeclinedInsufficientFunds", PaymentState.Failed, "insufficient_funds" },
        { StorageProvider.Postgres, "pm_card_authenticationRequired", PaymentState.RequiresAction, null },
    };

    [Theory]
    [MemberData(nameof(Cards))]
    public async Task Each_test_card_answers_as_Stripe_documents(StorageProvider provider, string card, PaymentState expected, string? code)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request(card);
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));

        Assert.Equal(expected, status.State);
        Assert.Equal(code, status.FailureCode);
        Assert.Equal(request.Amount, status.Amount);
        Assert.Equal("simulated", status.Provider);
        if (expected == PaymentState.RequiresAction)
            Assert.Equal($"/simulated-gateway/3ds/{status.ProviderReference}", status.NextActionUrl);
        else
            Assert.Null(status.NextActionUrl);
        if (expected == PaymentState.Failed) Assert.False(string.IsNullOrEmpty(status.FailureMessage));
        Assert.Equal(status, await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)));
    }

    [Fact]
    public void Every_test_card_number_maps_to_its_payment_methods()
    {
        Assert.Equal("pm_card_visa", TestCards.ByNumber("4242 4242 4242 4242")!.Token);
        Assert.Equal("pm_card_visa_chargeDeclined", TestCards.ByNumber("4000 0000 0000 0002")!.Token);
        Assert.Equal("pm_card_visa_chargeDeclinedInsufficientFunds", TestCards.ByNumber("4000000000009995")!.Token);
        Assert.Equal("pm_card_authenticationRequired", TestCards.ByNumber("4000-0027-6000-3184")!.Token);
        Assert.Null(TestCards.ByNumber("4111111111111111"));
        Assert.Equal(TestCards.All.Count, TestCards.All.Select(c => c.Fingerprint).Distinct().Count());
        Assert.DoesNotContain(TestCards.All, c => c.Fingerprint.Contains(c.Last4 + c.Number[..6]));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Authorize_capture_and_refund_are_idempotent(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request();
        var first = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        var again = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        Assert.Equal(PaymentState.Authorized, first.State);
        Assert.Equal(first, again);
        Assert.Equal(1, await app.WithDbAsync(db => db.SimulatedIntents.CountAsync()));

        var captured = await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None));
        Assert.Equal(PaymentState.Captured, captured.State);
        Assert.Equal(12_000 * 290 / 10_000 + 30, captured.GatewayFee);
        Assert.Equal(captured, await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None)));
        // A captured payment cannot be voided: the answer is its status.
        Assert.Equal(PaymentState.Captured, (await app.WithPaymentsAsync(p => p.VoidAsync(request.PaymentId, CancellationToken.None))).State);

        var refund = new RefundPayment(Guid.CreateVersion7(), request.PaymentId, 5_000, "partial");
        var refunded = await app.WithPaymentsAsync(p => p.RefundAsync(refund, CancellationToken.None));
        Assert.True(refunded.Succeeded);
        Assert.Equal(refunded, await app.WithPaymentsAsync(p => p.RefundAsync(refund, CancellationToken.None)));
        Assert.Equal(1, await app.WithDbAsync(db => db.SimulatedRefunds.CountAsync()));

        var tooMuch = await app.WithPaymentsAsync(p => p.RefundAsync(new RefundPayment(Guid.CreateVersion7(), request.PaymentId, 7_001, "too much"), CancellationToken.None));
        Assert.False(tooMuch.Succeeded);
        Assert.Contains("7000", tooMuch.FailureMessage);
        var rest = await app.WithPaymentsAsync(p => p.RefundAsync(new RefundPayment(Guid.CreateVersion7(), request.PaymentId, 7_000, "rest"), CancellationToken.None));
        Assert.True(rest.Succeeded);
        Assert.Equal(12_000, await app.WithDbAsync(db => db.SimulatedIntents.Select(i => i.AmountRefunded).SingleAsync()));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Void_releases_an_authorization_and_a_declined_payment_is_not_captured(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request();
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        var voided = await app.WithPaymentsAsync(p => p.VoidAsync(request.PaymentId, CancellationToken.None));
        Assert.Equal(PaymentState.Voided, voided.State);
        Assert.Equal("canceled", await app.WithDbAsync(db => db.SimulatedIntents.Select(i => i.Status).SingleAsync()));
        Assert.Equal(PaymentState.Voided, (await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None))).State);

        var declined = PaymentsHarness.Request("pm_card_chargeDeclined");
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(declined, CancellationToken.None));
        Assert.Equal(PaymentState.Failed, (await app.WithPaymentsAsync(p => p.CaptureAsync(declined.PaymentId, CancellationToken.None))).State);
        var refund = await app.WithPaymentsAsync(p => p.RefundAsync(new RefundPayment(Guid.CreateVersion7(), declined.PaymentId, 100, "x"), CancellationToken.None));
        Assert.False(refund.Succeeded);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Concurrent_duplicate_authorizations_have_one_effect(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        await using var other = app.AnotherInstance();
        _ = other.Services; // both instances started before the crowd
        var request = PaymentsHarness.Request();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? app : other).WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(PaymentState.Authorized, r.State));
        Assert.Single(results.Select(r => r.ProviderReference).Distinct());
        Assert.Equal(1, await app.WithDbAsync(db => db.SimulatedIntents.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Attempts.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.FraudDecisions.CountAsync()));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Concurrent_refunds_never_exceed_the_capture(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request(amount: 10_000);
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            app.WithPaymentsAsync(p => p.RefundAsync(new RefundPayment(Guid.CreateVersion7(), request.PaymentId, 3_000, "crowd"), CancellationToken.None))));

        Assert.Equal(3, results.Count(r => r.Succeeded));
        Assert.Equal(9_000, await app.WithDbAsync(db => db.SimulatedIntents.Select(i => i.AmountRefunded).SingleAsync()));
        Assert.Equal(9_000, await app.WithDbAsync(db => db.Attempts.Select(a => a.AmountRefunded).SingleAsync()));
    }
}
