using Encore.Contracts.MoneyFlow;
using Encore.Payments.Reconciliation;
using Encore.Tests.Infrastructure;
using Encore.Tests.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Payments;

/// <summary>payments.gateway: the gateway's captures, refunds and disputes against the journal.</summary>
public sealed class ReconciliationTests
{
    [Fact]
    public async Task Captures_and_refunds_must_be_in_the_journal_and_nothing_else()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var total = LedgerHarness.Payment().Amounts.Total;
        var request = PaymentsHarness.Request(amount: total);
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        var captured = await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None));
        var refund = await app.WithPaymentsAsync(p => p.RefundAsync(new(Guid.NewGuid(), request.PaymentId, 1_000, "test"), CancellationToken.None));

        var first = await RunAsync(app);
        Assert.Contains(first, d => d.Contains($"payment {request.PaymentId} was captured"));
        Assert.Contains(first, d => d.Contains($"refund {refund.RefundId}"));

        await app.PublishAsync(LedgerHarness.Payment(request.PaymentId, "EUR", captured.GatewayFee));
        await app.PublishAsync(new RefundIssued(refund.RefundId, request.OrderId, LedgerHarness.Organizer, "EUR",
            new MoneyBreakdown(1_000, 0, 0, 0, []), DateTimeOffset.UtcNow));
        Assert.Empty(await RunAsync(app));

        var stray = LedgerHarness.Payment();
        await app.PublishAsync(stray);
        Assert.Contains($"capture of payment {stray.PaymentId}", Assert.Single(await RunAsync(app)));
    }

    static async Task<IReadOnlyList<string>> RunAsync(EncoreAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var check = scope.ServiceProvider.GetServices<IReconciliationCheck>().OfType<GatewayCheck>().Single();
        return await check.RunAsync(CancellationToken.None);
    }
}
