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
    public static TestPaymentService Gateway(this EncoreAppFactory app) =>
        (TestPaymentService)app.Services.GetRequiredService<Encore.Contracts.Payments.IPaymentService>();

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
