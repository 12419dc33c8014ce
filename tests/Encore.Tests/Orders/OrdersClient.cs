using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Orders;

internal static class OrdersClient
{
    /// <summary>Stripe's test payment methods, as the simulated gateway of the Payments module knows them.</summary>
    public const string Visa = "pm_card_visa";
    public const string Declined = "pm_card_visa_chargeDeclined";
    public const string ThreeDSecure = "pm_card_authenticationRequired";

    /// <summary>The order's current payment attempt as the Payments module reports it.</summary>
    public static async Task<Encore.Contracts.Payments.PaymentStatus> PaymentOfAsync(this EncoreAppFactory app, Guid orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Encore.Orders.OrdersDbContext>();
        var paymentId = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Orders.Where(o => o.Id == orderId).Select(o => o.PaymentId));
        var payments = scope.ServiceProvider.GetRequiredService<Encore.Contracts.Payments.IPaymentService>();
        return (await payments.GetAsync(paymentId!.Value, CancellationToken.None))!;
    }

    /// <summary>The order's payment attempts so far (each one authorization call).</summary>
    public static async Task<int> PaymentAttemptsAsync(this EncoreAppFactory app, Guid orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Encore.Orders.OrdersDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Orders.Where(o => o.Id == orderId).Select(o => o.PaymentAttempts));
    }

    /// <summary>The buyer passes (or fails) the simulated gateway's 3-D Secure challenge, then comes back through Payments' return.</summary>
    public static async Task CompleteChallengeAsync(this EncoreAppFactory app, Guid orderId, bool pass)
    {
        var payment = await app.PaymentOfAsync(orderId);
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<Encore.Payments.Gateway.Simulated.SimulatedGateway>();
        await gateway.CompleteChallengeAsync(payment.ProviderReference!, pass, CancellationToken.None);
    }

    /// <summary>Payments learns the challenge's outcome (as on the buyer's return) and announces it through its outbox.</summary>
    public static async Task SyncPaymentAsync(this EncoreAppFactory app, Guid paymentId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Encore.Payments.Authorization.PaymentService>().SyncAsync(paymentId, CancellationToken.None);
    }

    public static async Task<Guid> HoldIdAsync(this HttpResponseMessage hold)
    {
        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        return (await hold.ReadJsonAsync())["id"]!.GetValue<Guid>();
    }

    public static async Task<HttpResponseMessage> CreateOrderAsync(this HttpClient buyer, Guid holdId, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { holdId }) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await buyer.SendAsync(request);
    }

    public static async Task<JsonObject> OrderFromHoldAsync(this HttpClient buyer, Guid holdId)
    {
        var response = await buyer.CreateOrderAsync(holdId);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<HttpResponseMessage> PayAsync(this HttpClient buyer, Guid orderId, string paymentMethod, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{orderId}/pay") { Content = JsonContent.Create(new { paymentMethod }) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await buyer.SendAsync(request);
    }

    public static async Task<JsonObject> OrderAsync(this HttpClient buyer, Guid orderId)
    {
        var response = await buyer.GetAsync($"/api/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static Guid Id(this JsonObject node) => node["id"]!.GetValue<Guid>();
    public static string Status(this JsonObject node) => node["status"]!.GetValue<string>();
    public static long Total(this JsonObject node) => node["totalMinor"]!.GetValue<long>();

    /// <summary>The page's lines added up: face value, fees, and tax where it is added on top.</summary>
    public static long ListedSum(this JsonObject order) =>
        order["faceValueMinor"]!.GetValue<long>() + order["serviceFeeMinor"]!.GetValue<long>() + order["facilityFeeMinor"]!.GetValue<long>()
        + order["deliveryFeeMinor"]!.GetValue<long>() + (order["pricesIncludeTax"]!.GetValue<bool>() ? 0 : order["taxMinor"]!.GetValue<long>());
}
