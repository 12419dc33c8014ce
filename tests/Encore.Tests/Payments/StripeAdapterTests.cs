using System.Net;
using System.Text.Json.Nodes;
using Encore.Contracts.Payments;
using Encore.Payments.Gateway;
using Encore.Payments.Webhooks;
using Encore.Tests.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Payments;

/// <summary>The Stripe adapter (Stripe.net) against a local fake of Stripe's API: request shape, auth, idempotency, declines, 3-D Secure, errors.</summary>
public sealed class StripeAdapterTests
{
    const string WebhookSecret = "whsec_stripe_fake_for_tests";

    static EncoreAppFactory App(FakeStripe stripe, string apiKey = FakeStripe.ApiKey) => EncoreAppFactory.Sqlite()
        .With("Encore:Payments:Gateway", "Stripe")
        .With("Encore:Payments:Stripe:ApiKey", apiKey)
        .With("Encore:Payments:Stripe:WebhookSecret", WebhookSecret)
        .With("Encore:Payments:Stripe:ApiBase", stripe.BaseUrl)
        .With("Encore:Payments:PublicBaseUrl", "https://tickets.example.test");

    [Fact]
    public async Task Authorize_capture_and_refund_go_to_Stripe_as_documented()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var app = App(stripe);
        var request = PaymentsHarness.Request(signals: PaymentsHarness.Signals(billing: "US", eventCountry: "US"));

        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        Assert.Equal(PaymentState.Authorized, status.State);
        Assert.Equal("stripe", status.Provider);
        Assert.StartsWith("pi_", status.ProviderReference);

        var create = Assert.Single(stripe.Requests, r => r.Method == "POST" && r.Path == "/v1/payment_intents");
        Assert.Equal($"Bearer {FakeStripe.ApiKey}", create.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", create.ContentType);
        Assert.False(string.IsNullOrEmpty(create.StripeVersion));
        Assert.Equal(request.PaymentId.ToString("D"), create.IdempotencyKey);
        Assert.Equal("12000", create.Form["amount"]);
        Assert.Equal("eur", create.Form["currency"]);
        Assert.Equal("manual", create.Form["capture_method"]);
        Assert.Equal("true", create.Form["confirm"]);
        Assert.Equal("pm_card_visa", create.Form["payment_method"]);
        Assert.Equal($"https://tickets.example.test/payments/{request.PaymentId:D}/return", create.Form["return_url"]);
        Assert.Equal(request.PaymentId.ToString("D"), create.Form["metadata[payment_id]"]);
        Assert.Equal(request.OrderId.ToString("D"), create.Form["metadata[order_id]"]);
        Assert.False(create.Form.ContainsKey("payment_method_options[card][request_three_d_secure]"));
        Assert.Contains(stripe.Requests, r => r.Method == "GET" && r.Path == "/v1/payment_methods/pm_card_visa");

        // The same payment id again is answered from our records: Stripe sees no second create.
        Assert.Equal(status, await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None)));
        Assert.Single(stripe.Requests, r => r.Path == "/v1/payment_intents");

        var captured = await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None));
        Assert.Equal(PaymentState.Captured, captured.State);
        Assert.Equal(12_000 * 29 / 1000 + 30, captured.GatewayFee);
        var capture = Assert.Single(stripe.Requests, r => r.Path == $"/v1/payment_intents/{status.ProviderReference}/capture");
        Assert.Equal($"capture-{request.PaymentId:D}", capture.IdempotencyKey);
        Assert.Equal("latest_charge.balance_transaction", capture.Form["expand[0]"]);

        var refundId = Guid.NewGuid();
        var refund = await app.WithPaymentsAsync(p => p.RefundAsync(new RefundPayment(refundId, request.PaymentId, 2_000, "customer asked"), CancellationToken.None));
        Assert.True(refund.Succeeded);
        var refundCall = Assert.Single(stripe.Requests, r => r.Path == "/v1/refunds");
        Assert.Equal($"refund-{refundId:D}", refundCall.IdempotencyKey);
        Assert.Equal(status.ProviderReference, refundCall.Form["payment_intent"]);
        Assert.Equal("2000", refundCall.Form["amount"]);

        // More than is left is refused by our own books before Stripe is asked; Stripe would refuse it too.
        var tooMuch = await app.WithPaymentsAsync(p => p.RefundAsync(new RefundPayment(Guid.NewGuid(), request.PaymentId, 10_001, "x"), CancellationToken.None));
        Assert.False(tooMuch.Succeeded);
        Assert.Single(stripe.Requests, r => r.Path == "/v1/refunds");
        await using var scope = app.Services.CreateAsyncScope();
        var refused = await Assert.ThrowsAsync<GatewayRequestException>(() => scope.ServiceProvider.GetRequiredService<IPaymentGateway>()
            .RefundAsync(status.ProviderReference!, 10_001, "direct", CancellationToken.None));
        Assert.Equal(("amount_too_large", 400), (refused.Code, refused.StatusCode));
    }

    [Fact]
    public async Task Declines_come_back_as_failed_attempts_with_Stripes_codes()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var app = App(stripe);
        foreach (var (card, code) in new[] { ("pm_card_chargeDeclined", "generic_decline"), ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"), ("pm_card_chargeDeclinedExpiredCard", "expired_card") })
        {
            var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(PaymentsHarness.Request(card), CancellationToken.None));
            Assert.Equal(PaymentState.Failed, status.State);
            Assert.Equal(code, status.FailureCode);
            Assert.StartsWith("pi_", status.ProviderReference);
        }
        var unknown = await app.WithPaymentsAsync(p => p.AuthorizeAsync(PaymentsHarness.Request("pm_does_not_exist"), CancellationToken.None));
        Assert.Equal(("invalid_payment_method", PaymentState.Failed), (unknown.FailureCode, unknown.State));
    }

    [Fact]
    public async Task A_wrong_api_key_is_refused_by_Stripe_and_the_attempt_fails_without_a_charge()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var app = App(stripe, apiKey: "sk_test_wrong");
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var ex = await Assert.ThrowsAsync<GatewayRequestException>(() => gateway.CreateAndConfirmAsync(
            new CreateIntent("k1", 100, "EUR", "pm_card_visa", "https://tickets.example.test/r", false, new Dictionary<string, string>()), CancellationToken.None));
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("Invalid API Key", ex.Message);
        Assert.All(stripe.Requests, r => Assert.Equal("Bearer sk_test_wrong", r.Authorization));
    }

    [Fact]
    public async Task The_idempotency_key_replays_and_refuses_other_parameters()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var app = App(stripe);
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var create = new CreateIntent("attempt-1", 5_000, "EUR", "pm_card_visa", "https://tickets.example.test/r", false, new Dictionary<string, string>());
        var first = await gateway.CreateAndConfirmAsync(create, CancellationToken.None);
        var again = await gateway.CreateAndConfirmAsync(create, CancellationToken.None);
        Assert.Equal(first.Id, again.Id);
        var other = await Assert.ThrowsAsync<GatewayRequestException>(() => gateway.CreateAndConfirmAsync(create with { Amount = 5_001 }, CancellationToken.None));
        Assert.Equal("idempotency_error", other.Code);
        var unexpected = await Assert.ThrowsAsync<GatewayRequestException>(() => gateway.CaptureAsync("pi_missing", "c1", CancellationToken.None));
        Assert.Equal(("resource_missing", 404), (unexpected.Code, unexpected.StatusCode));
    }

    [Fact]
    public async Task Three_d_secure_redirects_to_Stripe_and_the_signed_webhook_settles_it_once()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var app = App(stripe);
        var request = PaymentsHarness.Request("pm_card_authenticationRequired");
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        Assert.Equal(PaymentState.RequiresAction, status.State);
        Assert.StartsWith("https://hooks.stripe.com/3d_secure_2/hosted", status.NextActionUrl);

        var intent = stripe.Authenticate(status.ProviderReference!, pass: true);
        var body = new JsonObject
        {
            ["id"] = "evt_fake_1", ["object"] = "event", ["type"] = "payment_intent.amount_capturable_updated", ["api_version"] = "2025-01-27.acacia",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["data"] = new JsonObject { ["object"] = intent },
        }.ToJsonString();
        // Signed as Stripe signs: the simulated gateway's secret does not verify on the Stripe endpoint.
        using var wrong = await app.PostWebhookAsync(body, WebhookSignature.Sign("whsec_other", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body), provider: "stripe");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        using var simulated = await app.PostWebhookAsync(body, WebhookSignature.Sign(WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body), provider: "simulated");
        Assert.Equal(HttpStatusCode.NotFound, simulated.StatusCode);
        using var accepted = await app.PostWebhookAsync(body, WebhookSignature.Sign(WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body), provider: "stripe");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(PaymentState.Authorized, (await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!.State);

        // The buyer comes back afterwards: our return endpoint asks Stripe, finds nothing new to publish.
        var back = await PageVisitor.On(app).GetAsync($"/payments/{request.PaymentId}/return?payment_intent={status.ProviderReference}");
        Assert.Equal("/orders/return-here", back.Path);
        Assert.Single(await app.OutboxPayloadsAsync<PaymentAuthorized>());

        var failing = PaymentsHarness.Request("pm_card_authenticationRequired");
        var second = await app.WithPaymentsAsync(p => p.AuthorizeAsync(failing, CancellationToken.None));
        stripe.Authenticate(second.ProviderReference!, pass: false);
        await PageVisitor.On(app).GetAsync($"/payments/{failing.PaymentId}/return");
        var failed = (await app.WithPaymentsAsync(p => p.GetAsync(failing.PaymentId, CancellationToken.None)))!;
        Assert.Equal(("payment_intent_authentication_failure", PaymentState.Failed), (failed.FailureCode, failed.State));
        Assert.Single(await app.OutboxPayloadsAsync<PaymentFailed>());

        // Voiding an authorized payment cancels the intent at Stripe.
        Assert.Equal(PaymentState.Voided, (await app.WithPaymentsAsync(p => p.VoidAsync(request.PaymentId, CancellationToken.None))).State);
        var cancel = Assert.Single(stripe.Requests, r => r.Path == $"/v1/payment_intents/{status.ProviderReference}/cancel");
        Assert.Equal($"cancel-{request.PaymentId:D}", cancel.IdempotencyKey);
    }

    [Fact]
    public async Task The_fraud_screen_asks_Stripe_for_3DS_and_the_configuration_is_checked()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var app = App(stripe).With("Encore:Payments:Fraud:ThreeDSecureAbove", "10000");
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(PaymentsHarness.Request(amount: 10_000), CancellationToken.None));
        Assert.Equal(PaymentState.RequiresAction, status.State);
        Assert.Equal("any", Assert.Single(stripe.Requests, r => r.Path == "/v1/payment_intents").Form["payment_method_options[card][request_three_d_secure]"]);

        await using var missing = EncoreAppFactory.Sqlite().With("Encore:Payments:Gateway", "Stripe").With("Encore:Payments:Stripe:WebhookSecret", WebhookSecret);
        var error = Assert.Throws<InvalidOperationException>(() => missing.Services);
        Assert.Contains("Encore:Payments:Stripe:ApiKey", error.Message);
    }
}
