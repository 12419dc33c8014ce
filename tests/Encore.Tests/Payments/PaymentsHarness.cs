using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.Payments;
using Encore.Payments;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Payments;

internal static class PaymentsHarness
{
    public static readonly Guid Organizer = Guid.Parse("0193a000-0000-7000-8000-0000000000aa");
    public static readonly Guid Event = Guid.Parse("0193a000-0000-7000-8000-0000000000ee");

    public static AuthorizePayment Request(
        string paymentMethod = "pm_card_visa", long amount = 12_000, Guid? paymentId = null, Guid? buyer = null,
        FraudSignals? signals = null, string currency = "EUR") => new(
            paymentId ?? Guid.CreateVersion7(), Guid.CreateVersion7(), buyer ?? Guid.CreateVersion7(), Organizer, Event, amount, currency,
            paymentMethod, "/orders/return-here", signals ?? Signals());

    public static FraudSignals Signals(
        string? ip = "198.51.100.7", string? billing = "DE", string eventCountry = "DE", DateTimeOffset? accountCreatedAt = null,
        string? device = null, int deviceRisk = 0, string? ipCountry = null) =>
        new(ip, billing, eventCountry, accountCreatedAt ?? DateTimeOffset.UtcNow.AddYears(-2), device, deviceRisk, 2, ipCountry);

    public static async Task<T> WithPaymentsAsync<T>(this EncoreAppFactory app, Func<IPaymentService, Task<T>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IPaymentService>());
    }

    internal static async Task<T> WithDbAsync<T>(this EncoreAppFactory app, Func<PaymentsDbContext, Task<T>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<PaymentsDbContext>());
    }

    /// <summary>The integration events Payments wrote to its outbox of one type (delivered or not).</summary>
    internal static Task<List<string>> OutboxPayloadsAsync<TEvent>(this EncoreAppFactory app) =>
        app.WithDbAsync(db => db.Set<OutboxMessage>().Where(m => m.Type == typeof(TEvent).FullName).Select(m => m.Payload).ToListAsync());
}

internal static class WebhookHarness
{
    /// <summary>Delivers the simulated gateway's queued webhooks until none is pending (the background relay may take some first).</summary>
    public static async Task DeliverWebhooksAsync(this EncoreAppFactory app)
    {
        var sender = app.Service<Encore.Payments.Gateway.Simulated.SimulatedWebhookSender>();
        for (var poll = 0; poll < 600; poll++)
        {
            await sender.DeliverDueAsync(CancellationToken.None);
            var pending = await app.WithDbAsync(db => db.SimulatedWebhooks.CountAsync(d => d.Status == Encore.Payments.Gateway.Simulated.DeliveryStatus.Pending));
            if (pending == 0) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("Simulated webhooks were still pending after 30 s.");
    }

    public static string Secret(this EncoreAppFactory app) => app.Service<Encore.Payments.Webhooks.WebhookSecrets>().For("simulated");

    public static async Task<HttpResponseMessage> PostWebhookAsync(this EncoreAppFactory app, string body, string? signature, string provider = "simulated")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/payments/webhooks/{provider}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return await app.CreateClient().SendAsync(request);
    }
}
