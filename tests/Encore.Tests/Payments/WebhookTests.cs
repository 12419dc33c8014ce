using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.MoneyFlow;
using Encore.Contracts.Payments;
using Encore.Payments.Gateway.Simulated;
using Encore.Payments.Webhooks;
using Encore.Tests.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Payments;

/// <summary>
/// 3-D Secure through the simulated issuer's page and Stripe-signed webhooks from the simulated
/// gateway's delivery queue: each outcome reaches Orders once, whichever of the buyer and the webhook comes first.
/// </summary>
public sealed class WebhookTests
{
    [Fact]
    public void The_signature_is_checked_like_Stripe_does()
    {
        const string secret = "whsec_unit";
        const string body = "{\"id\":\"evt_1\"}";
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var tolerance = TimeSpan.FromSeconds(300);
        var t = now.ToUnixTimeSeconds();

        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(WebhookSignature.Sign(secret, t, body), body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(WebhookSignature.Sign(secret, t - 300, body), body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.OutsideTolerance, WebhookSignature.Verify(WebhookSignature.Sign(secret, t - 301, body), body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.OutsideTolerance, WebhookSignature.Verify(WebhookSignature.Sign(secret, t + 301, body), body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(WebhookSignature.Sign("whsec_other", t, body), body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(WebhookSignature.Sign(secret, t, body), body + " ", secret, now, tolerance));
        // The timestamp is signed: moving it breaks the signature.
        var moved = WebhookSignature.Sign(secret, t, body).Replace($"t={t}", $"t={t + 1}");
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(moved, body, secret, now, tolerance));
        // While a secret is rolled Stripe sends one v1 per secret; any may match.
        var rolled = WebhookSignature.Sign("whsec_old", t, body) + "," + WebhookSignature.Sign(secret, t, body).Split(',')[1];
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(rolled, body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.Missing, WebhookSignature.Verify(null, body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.Malformed, WebhookSignature.Verify($"t={t}", body, secret, now, tolerance));
        Assert.Equal(SignatureCheck.Malformed, WebhookSignature.Verify("v1=" + new string('a', 64), body, secret, now, tolerance));
        Assert.Equal("t=1800000000,v1=", WebhookSignature.Sign(secret, t, body)[..16]);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_endpoint_refuses_bad_signatures_stale_timestamps_and_takes_a_replayed_event_once(StorageProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = EncoreAppFactory.For(provider).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var request = PaymentsHarness.Request("pm_card_authenticationRequired");
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        var intent = await app.WithDbAsync(db => db.SimulatedIntents.AsNoTracking().SingleAsync());
        intent.Status = "requires_capture";
        intent.AmountCapturable = intent.Amount;
        var body = SimulatedEvents.Event("payment_intent.amount_capturable_updated", SimulatedEvents.Intent(intent), clock.GetUtcNow()).Payload;
        var secret = app.Secret();
        var now = clock.GetUtcNow().ToUnixTimeSeconds();

        foreach (var bad in new[] { null, "garbage", WebhookSignature.Sign("whsec_wrong", now, body), WebhookSignature.Sign(secret, now - 301, body), WebhookSignature.Sign(secret, now + 301, body) })
        {
            using var refused = await app.PostWebhookAsync(body, bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.WebhookReceipts.CountAsync(r => r.Type == "payment_intent.amount_capturable_updated")));
        Assert.Equal(PaymentState.RequiresAction, (await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!.State);

        using var accepted = await app.PostWebhookAsync(body, WebhookSignature.Sign(secret, now - 299, body));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.False((await accepted.Content.ReadFromJsonAsync<JsonObject>())!["duplicate"]!.GetValue<bool>());
        Assert.Equal(PaymentState.Authorized, (await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!.State);

        // The same event again, freshly signed (a replay, or Stripe retrying): accepted, no second effect.
        clock.Advance(TimeSpan.FromMinutes(1));
        using var replayed = await app.PostWebhookAsync(body, WebhookSignature.Sign(secret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.True((await replayed.Content.ReadFromJsonAsync<JsonObject>())!["duplicate"]!.GetValue<bool>());
        Assert.Single(await app.OutboxPayloadsAsync<PaymentAuthorized>());

        using var unknown = await app.PostWebhookAsync(body, WebhookSignature.Sign(secret, now, body), provider: "paypal");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var notJson = await app.PostWebhookAsync("not json", WebhookSignature.Sign(secret, clock.GetUtcNow().ToUnixTimeSeconds(), "not json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(status.ProviderReference, intent.Id);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Concurrent_duplicate_deliveries_take_effect_once(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        await using var other = app.AnotherInstance();
        _ = other.Services;
        var request = PaymentsHarness.Request("pm_card_authenticationRequired");
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        var intent = await app.WithDbAsync(db => db.SimulatedIntents.AsNoTracking().SingleAsync());
        intent.Status = "requires_payment_method";
        intent.ErrorCode = "payment_intent_authentication_failure";
        var body = SimulatedEvents.Event("payment_intent.payment_failed", SimulatedEvents.Intent(intent), DateTimeOffset.UtcNow).Payload;
        var signature = WebhookSignature.Sign(app.Secret(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? app : other).PostWebhookAsync(body, signature)));

        var answers = await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"));
        Assert.True(responses.All(r => r.StatusCode == HttpStatusCode.OK), string.Join('\n', answers));
        Assert.Equal(1, await app.WithDbAsync(db => db.WebhookReceipts.CountAsync(r => r.Type == "payment_intent.payment_failed")));
        var failed = Assert.Single(await app.OutboxPayloadsAsync<PaymentFailed>());
        Assert.Contains("payment_intent_authentication_failure", failed);
        Assert.Equal(PaymentState.Failed, (await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!.State);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite, true)]
    [InlineData(StorageProvider.Sqlite, false)]
    [InlineData(StorageProvider.Postgres, true)]
    [InlineData(StorageProvider.Postgres, false)]
    public async Task A_3DS_challenge_passed_or_failed_on_the_page_reaches_orders_once(StorageProvider provider, bool pass)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request("pm_card_authenticationRequired");
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        Assert.Equal(PaymentState.RequiresAction, status.State);

        var buyer = PageVisitor.On(app);
        var challenge = await buyer.GetAsync(status.NextActionUrl!);
        Assert.Equal(200, challenge.Status);
        Assert.Contains("Complete authentication", challenge.Html);
        Assert.Contains("€120.00", challenge.Html.Replace("&#x20AC;", "€"));

        var back = await buyer.SubmitAsync(status.NextActionUrl!, pass ? "complete" : "fail");
        // Through our return endpoint, which asked the gateway, to the page Orders asked for.
        Assert.Equal("/orders/return-here", back.Path);

        var after = (await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!;
        Assert.Equal(pass ? PaymentState.Authorized : PaymentState.Failed, after.State);
        if (!pass) Assert.Equal("payment_intent_authentication_failure", after.FailureCode);

        // The gateway's webhook for the same outcome arrives afterwards: nothing more is published.
        await app.DeliverWebhooksAsync();
        Assert.Equal(pass ? 1 : 0, (await app.OutboxPayloadsAsync<PaymentAuthorized>()).Count);
        Assert.Equal(pass ? 0 : 1, (await app.OutboxPayloadsAsync<PaymentFailed>()).Count);

        // The page is over once answered; returning again changes nothing.
        var again = await buyer.GetAsync(status.NextActionUrl!);
        Assert.Contains("no longer waits", again.Html);
        await buyer.GetAsync($"/payments/{request.PaymentId}/return");
        Assert.Equal(pass ? 1 : 0, (await app.OutboxPayloadsAsync<PaymentAuthorized>()).Count);

        if (pass)
        {
            Assert.Equal(PaymentState.Captured, (await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None))).State);
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task When_the_webhook_comes_before_the_buyer_the_outcome_is_still_published_once(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request("pm_card_threeDSecure2Required");
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        await app.Service<SimulatedGateway>().CompleteChallengeAsync(status.ProviderReference!, passed: true, CancellationToken.None);

        await app.DeliverWebhooksAsync();
        Assert.Equal(PaymentState.Authorized, (await app.WithPaymentsAsync(p => p.GetAsync(request.PaymentId, CancellationToken.None)))!.State);
        var published = Assert.Single(await app.OutboxPayloadsAsync<PaymentAuthorized>());
        Assert.Contains(request.OrderId.ToString(), published);

        var buyer = PageVisitor.On(app);
        var back = await buyer.GetAsync($"/payments/{request.PaymentId}/return?payment_intent={status.ProviderReference}&redirect_status=succeeded");
        Assert.Equal("/orders/return-here", back.Path);
        Assert.Single(await app.OutboxPayloadsAsync<PaymentAuthorized>());
        Assert.Equal(1, await app.WithDbAsync(db => db.SimulatedWebhooks.CountAsync(d => d.Status == DeliveryStatus.Delivered && d.Type == "payment_intent.amount_capturable_updated")));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_dispute_webhook_opens_a_chargeback_for_the_ledger_once(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var request = PaymentsHarness.Request("pm_card_createDispute", amount: 8_000);
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        await app.WithPaymentsAsync(p => p.CaptureAsync(request.PaymentId, CancellationToken.None));

        await app.DeliverWebhooksAsync();
        var chargeback = Assert.Single(await app.OutboxPayloadsAsync<ChargebackOpened>());
        var json = JsonNode.Parse(chargeback)!;
        Assert.Equal(8_000, json["amount"]!.GetValue<long>());
        Assert.Equal(SimulatedGateway.DisputeFee, json["disputeFee"]!.GetValue<long>());
        Assert.Equal(request.OrderId, json["orderId"]!.GetValue<Guid>());
        Assert.Equal(PaymentsHarness.Organizer, json["organizerId"]!.GetValue<Guid>());
        Assert.Equal("EUR", json["currency"]!.GetValue<string>());

        // The gateway sends the same dispute again under a new event id: still one chargeback.
        var delivery = await app.WithDbAsync(db => db.SimulatedWebhooks.AsNoTracking().SingleAsync(d => d.Type == "charge.dispute.created"));
        var resent = delivery.Payload.Replace(delivery.EventId, "evt_resent");
        using var response = await app.PostWebhookAsync(resent, WebhookSignature.Sign(app.Secret(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), resent));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await app.OutboxPayloadsAsync<ChargebackOpened>());
        Assert.Equal(1, await app.WithDbAsync(db => db.Disputes.CountAsync()));
    }

    [Fact]
    public async Task A_failing_endpoint_gets_the_event_again_later()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Deliveries go over HTTP to a URL that answers 503 here.
        await using var app = EncoreAppFactory.Sqlite().WithServices(s => s.AddSingleton<TimeProvider>(clock))
            .With("Encore:Payments:Simulated:WebhookUrl", "http://127.0.0.1:9/unreachable");
        await app.WithPaymentsAsync(p => p.AuthorizeAsync(PaymentsHarness.Request(), CancellationToken.None));
        var sender = app.Service<SimulatedWebhookSender>();

        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        var delivery = await app.WithDbAsync(db => db.SimulatedWebhooks.AsNoTracking().SingleAsync());
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(clock.GetUtcNow().AddSeconds(2), delivery.NextAttemptAt);
        Assert.NotNull(delivery.LastError);

        // Not due yet: nothing is sent.
        Assert.Equal(0, await sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(1, (await app.WithDbAsync(db => db.SimulatedWebhooks.AsNoTracking().SingleAsync())).Attempts);
        clock.Advance(TimeSpan.FromSeconds(2));
        // Due now: this call or the background relay (its tick is on the same clock) sends it.
        var retried = delivery;
        for (var poll = 0; poll < 400 && retried.Attempts < 2; poll++)
        {
            await sender.DeliverDueAsync(CancellationToken.None);
            retried = await app.WithDbAsync(db => db.SimulatedWebhooks.AsNoTracking().SingleAsync());
            if (retried.Attempts < 2) await Task.Delay(50);
        }
        Assert.Equal(2, retried.Attempts);
        Assert.Equal(clock.GetUtcNow().AddSeconds(4), retried.NextAttemptAt);
    }

    [Fact]
    public async Task The_embedded_topology_generates_one_secret_and_the_scaled_one_must_configure_it()
    {
        await using var app = EncoreAppFactory.Sqlite();
        await using var restarted = app.AnotherInstance();
        Assert.StartsWith("whsec_", app.Secret());
        Assert.Equal(app.Secret(), restarted.Secret());
        Assert.Equal(1, await app.WithDbAsync(db => db.Secrets.CountAsync()));

        await using var scaled = EncoreAppFactory.Postgres().With("Encore:Payments:Simulated:WebhookSecret", "");
        var error = Assert.Throws<InvalidOperationException>(() => scaled.Services);
        Assert.Contains("Encore:Payments:Simulated:WebhookSecret", error.Message);
    }

    [Fact]
    public async Task Tokenization_knows_only_test_card_numbers()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient();
        var visa = await client.PostAsJsonAsync("/simulated-gateway/tokens", new { number = "4242 4242 4242 4242" });
        Assert.Equal(HttpStatusCode.OK, visa.StatusCode);
        var token = await visa.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("pm_card_visa", token!["id"]!.GetValue<string>());
        Assert.Equal("4242", token["last4"]!.GetValue<string>());
        var threeDs = await client.PostAsJsonAsync("/simulated-gateway/tokens", new { number = "4000002760003184" });
        Assert.Equal("pm_card_authenticationRequired", (await threeDs.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());

        foreach (var number in new[] { "4111111111111111", "12", "abcd", "" })
        {
            var refused = await client.PostAsJsonAsync("/simulated-gateway/tokens", new { number });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
    }
}
