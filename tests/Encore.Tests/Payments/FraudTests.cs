using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Payments;
using Encore.Payments.Fraud;
using Encore.Payments.Model;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tests.Payments;

/// <summary>Each fraud rule on its own (the others' limits out of reach; the counted rules on both providers), the thresholds, concurrent attempts, and the review queue over HTTP.</summary>
public sealed class FraudTests
{
    static EncoreAppFactory Isolated(params (string Key, string Value)[] settings) => Isolated(StorageProvider.Sqlite, settings);

    static EncoreAppFactory Isolated(StorageProvider provider, params (string Key, string Value)[] settings)
    {
        var app = EncoreAppFactory.For(provider);
        foreach (var limit in new[] { "AccountVelocityLimit", "CardVelocityLimit", "CardAccountsLimit", "DeviceVelocityLimit", "DeviceAccountsLimit", "IpVelocityLimit" })
            app.With($"Encore:Payments:Fraud:{limit}", "1000");
        foreach (var (key, value) in settings) app.With($"Encore:Payments:Fraud:{key}", value);
        return app;
    }

    static async Task<(PaymentStatus Status, FraudDecision Decision)> PayAsync(EncoreAppFactory app, AuthorizePayment request)
    {
        var status = await app.WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        var decision = await app.WithDbAsync(db => db.FraudDecisions.AsNoTracking().SingleAsync(d => d.PaymentId == request.PaymentId));
        return (status, decision);
    }

    [Fact]
    public async Task A_clean_payment_is_allowed_with_no_reasons()
    {
        await using var app = Isolated();
        var (status, decision) = await PayAsync(app, PaymentsHarness.Request(signals: PaymentsHarness.Signals(billing: "US", eventCountry: "US")));
        Assert.Equal(FraudOutcome.Allow, decision.Outcome);
        Assert.Equal(0, decision.Score);
        Assert.Empty(decision.Reasons);
        Assert.Equal(PaymentState.Authorized, status.State);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Velocity_per_account_asks_for_3DS(StorageProvider provider)
    {
        await using var app = Isolated(provider, ("AccountVelocityLimit", "3"));
        var buyer = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
            Assert.Equal(FraudOutcome.Allow, (await PayAsync(app, PaymentsHarness.Request(buyer: buyer, signals: US()))).Decision.Outcome);
        var (status, decision) = await PayAsync(app, PaymentsHarness.Request(buyer: buyer, signals: US()));
        Assert.Equal(FraudOutcome.RequireThreeDSecure, decision.Outcome);
        Assert.Equal("velocity.account", Assert.Single(decision.Reasons).Code);
        // The simulated gateway honours the request for 3-D Secure even on a card that would not need it.
        Assert.Equal(PaymentState.RequiresAction, status.State);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Concurrent_attempts_from_one_account_on_two_instances_count_each_other(StorageProvider provider)
    {
        // A bot firing a crowd of attempts at one instant: each attempt must see the others stored
        // before it, or all of them pass a velocity rule whose limit is far lower.
        const int limit = 3, crowd = 12;
        await using var app = Isolated(provider, ("AccountVelocityLimit", $"{limit}"));
        await using var other = app.AnotherInstance();
        _ = app.Services;
        _ = other.Services;
        var buyer = Guid.NewGuid();
        var requests = Enumerable.Range(0, crowd).Select(_ => PaymentsHarness.Request(buyer: buyer, signals: US())).ToList();

        // A thread each, released together: SQLite's calls complete synchronously, so tasks alone would run one by one.
        using var go = new ManualResetEventSlim();
        var runs = requests.Select((request, i) => Task.Factory.StartNew(() =>
        {
            go.Wait();
            return (i % 2 == 0 ? app : other).WithPaymentsAsync(p => p.AuthorizeAsync(request, CancellationToken.None));
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
        go.Set();
        var results = await Task.WhenAll(runs);

        var decisions = await app.WithDbAsync(db => db.FraudDecisions.AsNoTracking().Where(d => d.BuyerId == buyer).ToListAsync());
        Assert.Equal(crowd, decisions.Count);
        var flagged = decisions.Where(d => d.Reasons.Any(r => r.Code == "velocity.account")).ToList();
        var passed = crowd - flagged.Count;
        // Never more than the limit, however the crowd interleaves (a burst may flag more: each counts
        // every attempt committed before its count, including later arrivals).
        Assert.InRange(passed, 0, limit);
        // Everyone past the limit was flagged for it (the count stops one past the limit).
        Assert.Equal(crowd - passed, flagged.Count);
        Assert.All(flagged, d => Assert.StartsWith($"more than {limit} attempts from this account", d.Reasons.Single(r => r.Code == "velocity.account").Detail));
        Assert.Equal(passed, results.Count(r => r.State == PaymentState.Authorized));
        Assert.Equal(flagged.Count, results.Count(r => r.State == PaymentState.RequiresAction));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Velocity_per_card_fingerprint_counts_across_accounts(StorageProvider provider)
    {
        await using var app = Isolated(provider, ("CardVelocityLimit", "2"));
        for (var i = 0; i < 2; i++) await PayAsync(app, PaymentsHarness.Request(signals: US()));
        // Another card is not affected.
        Assert.Empty((await PayAsync(app, PaymentsHarness.Request("pm_card_mastercard", signals: US()))).Decision.Reasons);
        Assert.Equal("velocity.card", Assert.Single((await PayAsync(app, PaymentsHarness.Request(signals: US()))).Decision.Reasons).Code);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_card_shared_by_many_accounts_adds_risk(StorageProvider provider)
    {
        await using var app = Isolated(provider, ("CardAccountsLimit", "2"));
        await PayAsync(app, PaymentsHarness.Request(signals: US()));
        await PayAsync(app, PaymentsHarness.Request(signals: US()));
        var decision = (await PayAsync(app, PaymentsHarness.Request(signals: US()))).Decision;
        Assert.Equal("card.shared", Assert.Single(decision.Reasons).Code);
        Assert.Equal(40, decision.Score);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Velocity_per_device_and_accounts_per_device(StorageProvider provider)
    {
        await using var app = Isolated(provider, ("DeviceVelocityLimit", "2"), ("DeviceAccountsLimit", "2"));
        var buyer = Guid.NewGuid();
        await PayAsync(app, PaymentsHarness.Request(buyer: buyer, signals: US(device: "dev-1")));
        await PayAsync(app, PaymentsHarness.Request(buyer: buyer, signals: US(device: "dev-1")));
        Assert.Equal(["velocity.device"], (await PayAsync(app, PaymentsHarness.Request(buyer: buyer, signals: US(device: "dev-1")))).Decision.Reasons.Select(r => r.Code));
        Assert.Empty((await PayAsync(app, PaymentsHarness.Request(signals: US(device: "dev-2")))).Decision.Reasons);
        await PayAsync(app, PaymentsHarness.Request(signals: US(device: "dev-3")));
        await PayAsync(app, PaymentsHarness.Request(signals: US(device: "dev-3")));
        Assert.Contains("device.shared", (await PayAsync(app, PaymentsHarness.Request(signals: US(device: "dev-3")))).Decision.Reasons.Select(r => r.Code));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Velocity_per_ip_address(StorageProvider provider)
    {
        await using var app = Isolated(provider, ("IpVelocityLimit", "2"));
        await PayAsync(app, PaymentsHarness.Request(signals: US(ip: "203.0.113.9")));
        await PayAsync(app, PaymentsHarness.Request(signals: US(ip: "203.0.113.9")));
        Assert.Equal("velocity.ip", Assert.Single((await PayAsync(app, PaymentsHarness.Request(signals: US(ip: "203.0.113.9")))).Decision.Reasons).Code);
        Assert.Empty((await PayAsync(app, PaymentsHarness.Request(signals: US(ip: "203.0.113.10")))).Decision.Reasons);
    }

    [Fact]
    public async Task Countries_of_address_billing_card_and_event_are_compared()
    {
        // No GeoIP database ships: the address's country comes from the caller, or from the configured networks.
        await using var app = Isolated(("IpCountries:203.0.113.0/24", "FR"));
        var given = (await PayAsync(app, PaymentsHarness.Request(signals: PaymentsHarness.Signals(billing: "US", eventCountry: "US", ipCountry: "BR")))).Decision;
        Assert.Equal(["country.ip-billing"], given.Reasons.Select(r => r.Code));
        // Address and billing both abroad from the event.
        var abroad = (await PayAsync(app, PaymentsHarness.Request(signals: PaymentsHarness.Signals(billing: "US", eventCountry: "GB", ipCountry: "US")))).Decision;
        Assert.Equal(["country.event"], abroad.Reasons.Select(r => r.Code));
        var looked = (await PayAsync(app, PaymentsHarness.Request(signals: PaymentsHarness.Signals(ip: "203.0.113.50", billing: "US", eventCountry: "US")))).Decision;
        Assert.Contains("address in FR, billing country US", looked.Reasons.Select(r => r.Detail));
        // The test Visa is issued in the US: a German billing address does not match it.
        var card = (await PayAsync(app, PaymentsHarness.Request(signals: PaymentsHarness.Signals(billing: "DE", eventCountry: "DE")))).Decision;
        Assert.Equal("country.card-billing", Assert.Single(card.Reasons).Code);
        Assert.Empty((await PayAsync(app, PaymentsHarness.Request(signals: PaymentsHarness.Signals(ip: "198.51.100.1", billing: "US", eventCountry: "US")))).Decision.Reasons);
    }

    [Fact]
    public void The_offline_address_table_matches_networks_only()
    {
        var table = new Dictionary<string, string> { ["203.0.113.0/24"] = "fr", ["2001:db8::/32"] = "DE" };
        Assert.Equal("FR", IpCountries.Lookup("203.0.113.7", table));
        Assert.Equal("FR", IpCountries.Lookup("::ffff:203.0.113.7", table));
        Assert.Equal("DE", IpCountries.Lookup("2001:db8::1", table));
        Assert.Null(IpCountries.Lookup("198.51.100.1", table));
        Assert.Null(IpCountries.Lookup("not an address", table));
        Assert.Null(IpCountries.Lookup(null, table));
    }

    [Fact]
    public async Task Order_value_adds_risk_and_always_needs_3DS_above_the_configured_amount()
    {
        await using var app = Isolated(("ThreeDSecureAbove", "20000"), ("HighValueAbove", "90000"));
        var (status, decision) = await PayAsync(app, PaymentsHarness.Request(amount: 20_000, signals: US()));
        Assert.Equal(FraudOutcome.RequireThreeDSecure, decision.Outcome);
        Assert.Equal(0, decision.Score);
        Assert.Equal("amount.three-d-secure", Assert.Single(decision.Reasons).Code);
        Assert.Equal(PaymentState.RequiresAction, status.State);
        Assert.Equal(FraudOutcome.Allow, (await PayAsync(app, PaymentsHarness.Request(amount: 19_999, signals: US()))).Decision.Outcome);
        Assert.Contains("amount.high", (await PayAsync(app, PaymentsHarness.Request(amount: 90_000, signals: US()))).Decision.Reasons.Select(r => r.Code));
    }

    [Fact]
    public async Task Account_age_adds_risk()
    {
        await using var app = Isolated();
        var brandNew = (await PayAsync(app, PaymentsHarness.Request(signals: US(created: DateTimeOffset.UtcNow.AddMinutes(-10))))).Decision;
        Assert.Equal(("account.new", 25), (Assert.Single(brandNew.Reasons).Code, brandNew.Score));
        var young = (await PayAsync(app, PaymentsHarness.Request(signals: US(created: DateTimeOffset.UtcNow.AddHours(-5))))).Decision;
        Assert.Equal(("account.young", 10), (Assert.Single(young.Reasons).Code, young.Score));
    }

    [Fact]
    public async Task The_device_risk_score_adds_risk()
    {
        await using var app = Isolated();
        Assert.Equal(20, (await PayAsync(app, PaymentsHarness.Request(signals: US(risk: 55)))).Decision.Score);
        var risky = (await PayAsync(app, PaymentsHarness.Request(signals: US(risk: 85)))).Decision;
        Assert.Equal(("device.risk", 40, FraudOutcome.RequireThreeDSecure), (Assert.Single(risky.Reasons).Code, risky.Score, risky.Outcome));
    }

    [Fact]
    public async Task Enough_risk_blocks_without_touching_the_gateway()
    {
        await using var app = Isolated();
        var request = PaymentsHarness.Request(amount: 120_000,
            signals: PaymentsHarness.Signals(billing: "US", eventCountry: "US", ipCountry: "RU", accountCreatedAt: DateTimeOffset.UtcNow.AddMinutes(-5), deviceRisk: 90));
        var (status, decision) = await PayAsync(app, request);
        Assert.Equal(FraudOutcome.Block, decision.Outcome);
        Assert.True(decision.Score >= 90);
        Assert.Equal(PaymentState.Blocked, status.State);
        Assert.Equal("fraud_blocked", status.FailureCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.SimulatedIntents.CountAsync()));
    }

    [Fact]
    public async Task Held_payments_are_approved_or_rejected_by_an_admin_and_orders_learn_the_outcome()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        // Device risk 85 (+40) and an account minutes old (+25): 65, held for review.
        var risky = PaymentsHarness.Signals(billing: "US", eventCountry: "US", accountCreatedAt: DateTimeOffset.UtcNow.AddMinutes(-30), deviceRisk: 85);
        var first = PaymentsHarness.Request(signals: risky);
        var second = PaymentsHarness.Request(signals: risky);
        Assert.Equal(PaymentState.InReview, (await app.WithPaymentsAsync(p => p.AuthorizeAsync(first, CancellationToken.None))).State);
        Assert.Equal(PaymentState.InReview, (await app.WithPaymentsAsync(p => p.AuthorizeAsync(second, CancellationToken.None))).State);
        Assert.Equal(0, await app.WithDbAsync(db => db.SimulatedIntents.CountAsync()));

        var admin = await app.SignedInAsync("admin@encore.test");
        var queue = await admin.GetFromJsonAsync<JsonObject>("/api/admin/payments/fraud-decisions?awaiting=true");
        var listed = queue!["decisions"]!.AsArray();
        Assert.Equal(2, listed.Count);
        var reasons = listed[0]!["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).ToList();
        Assert.Equal(["account.new", "device.risk"], reasons);
        Assert.Equal(65, listed[0]!["score"]!.GetValue<int>());

        var approved = await admin.PostAsync($"/api/admin/payments/{first.PaymentId}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("Authorized", (await approved.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        // Approving again answers the same; rejecting it now is a conflict.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/payments/{first.PaymentId}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/admin/payments/{first.PaymentId}/reject", null)).StatusCode);
        Assert.Single(await app.OutboxPayloadsAsync<PaymentAuthorized>());

        var rejected = await admin.PostAsync($"/api/admin/payments/{second.PaymentId}/reject", null);
        Assert.Equal("Failed", (await rejected.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        Assert.Contains("review_rejected", Assert.Single(await app.OutboxPayloadsAsync<PaymentFailed>()));
        Assert.Equal(1, await app.WithDbAsync(db => db.SimulatedIntents.CountAsync()));

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/admin/payments/{Guid.NewGuid()}/approve", null)).StatusCode);
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.PostAsync($"/api/admin/payments/{second.PaymentId}/approve", null)).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonObject>("/api/admin/payments/fraud-decisions?awaiting=true"))!["decisions"]!.AsArray());
    }

    static FraudSignals US(string? device = null, string ip = "198.51.100.7", DateTimeOffset? created = null, int risk = 0) =>
        PaymentsHarness.Signals(ip: ip, billing: "US", eventCountry: "US", device: device, accountCreatedAt: created, deviceRisk: risk);
}
