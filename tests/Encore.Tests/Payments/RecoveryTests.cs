using Encore.Contracts.Payments;
using Encore.Payments.Model;
using Encore.Tests.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Payments;

/// <summary>Nothing a payment needs lives in one instance's memory: another instance finishes what one started, and a call that died is taken over.</summary>
public sealed class RecoveryTests
{
    [Fact]
    public async Task A_challenge_started_on_one_instance_is_completed_and_captured_on_another()
    {
        await using var first = EncoreAppFactory.Postgres();
        await using var second = first.AnotherInstance();
        var request = PaymentsHarness.Request("pm_card_authenticationRequired");
        var status = await first.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));

        var back = await PageVisitor.On(second).SubmitAsync(status.NextActionUrl!, "complete");
        Assert.Equal("/orders/return-here", back.Path);
        Assert.Equal(PaymentState.Authorized, (await first.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!.State);
        Assert.Equal(PaymentState.Captured, (await second.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None))).State);
        await first.DeliverWebhooksAsync();
        await second.DeliverWebhooksAsync();
        Assert.Single(await first.OutboxPayloadsAsync<PaymentAuthorized>());
    }

    [Fact]
    public async Task An_attempt_whose_caller_died_mid_call_is_driven_again_after_its_lease_with_one_charge()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.Sqlite().WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var request = PaymentsHarness.Request();
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        // As if the instance died after the gateway authorized but before it recorded the answer.
        await app.WithDbAsync(db => db.Attempts.Where(a => a.Id == request.PaymentId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.State, AttemptState.Processing)
            .SetProperty(a => a.LeaseUntil, clock.GetUtcNow().AddSeconds(30))));

        clock.Advance(TimeSpan.FromSeconds(31));
        var retried = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));

        Assert.Equal(PaymentState.Authorized, retried.State);
        // The gateway answered the same idempotency key with the intent it had created.
        Assert.Equal(1, await app.WithDbAsync(db => db.SimulatedIntents.CountAsync()));
        Assert.Equal(retried.ProviderReference, await app.WithDbAsync(db => db.SimulatedIntents.Select(i => i.Id).SingleAsync()));
    }
}
