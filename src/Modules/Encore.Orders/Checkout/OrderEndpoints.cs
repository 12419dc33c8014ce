using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Contracts.FlashSale;
using Encore.Contracts.Payments;
using Encore.Orders.Http;
using Encore.Orders.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Orders.Checkout;

internal sealed record CreateOrderRequest(Guid HoldId);

internal sealed record PayOrderRequest(string? PaymentMethod, string? BillingCountry);

/// <summary>A buyer's orders: create from a hold, pay, read, cancel.</summary>
internal static class OrderEndpoints
{
    public static void Map(RouteGroupBuilder buyer)
    {
        buyer.MapPost("/orders", Create).Idempotent<OrdersDbContext>()
            .WithSummary("Create an order from your live hold, priced all in (Idempotency-Key honoured)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        buyer.MapPost("/orders/{orderId:guid}/pay", Pay).Idempotent<OrdersDbContext>()
            .WithSummary("Pay an order: authorize the total, sell the places, capture (Idempotency-Key honoured)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        buyer.MapGet("/orders", List).WithSummary("Your orders, newest first");
        buyer.MapGet("/orders/{orderId:guid}", Get).WithSummary("One of your orders with its price breakdown")
            .ProducesProblem(StatusCodes.Status404NotFound);
        buyer.MapPost("/orders/{orderId:guid}/cancel", Cancel).WithSummary("Abandon an unpaid order: the hold is released")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Created<OrderView>, Ok<OrderView>, ProblemHttpResult>> Create(
        CreateOrderRequest request, ClaimsPrincipal user, CheckoutService checkout, CancellationToken ct)
    {
        if (Buyer.From(user) is not { } buyer || request.HoldId == Guid.Empty) return Problem(404, "Not found", "No live hold of yours.");
        return await checkout.CreateAsync(request.HoldId, buyer, ct) switch
        {
            CreateOutcome.Created created => TypedResults.Created($"/api/orders/{created.Order.Id}", OrderView.From(created.Order)),
            CreateOutcome.Existing existing => TypedResults.Ok(OrderView.From(existing.Order)),
            CreateOutcome.Refused refused => Problem(refused.Status, refused.Title, refused.Detail),
            _ => throw new InvalidOperationException(),
        };
    }

    internal static async Task<Results<Ok<OrderView>, ProblemHttpResult, ValidationProblem>> Pay(
        Guid orderId, PayOrderRequest request, HttpContext http, CheckoutService checkout, CancellationToken ct)
    {
        if (Buyer.From(http.User) is not { } buyer) return Problem(404, "Not found", $"No order {orderId} of yours.");
        if (request.PaymentMethod is not { Length: > 0 and <= 200 } method || method.Any(char.IsControl))
            return Problems.Invalid("paymentMethod", "Choose a payment method.");
        if (request.BillingCountry is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            return Problems.Invalid("billingCountry", "A billing country is an ISO 3166-1 alpha-2 code in capitals, such as 'GB'.");
        var signals = await SignalsAsync(http, buyer, request.BillingCountry, ct);
        return await checkout.PayAsync(orderId, buyer, method, signals, ct) switch
        {
            PayOutcome.Done done => TypedResults.Ok(OrderView.From(done.Order)),
            PayOutcome.Refused refused => Problem(refused.Status, refused.Title, refused.Detail),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>What the fraud screen weighs, from the request: the address, the device cookie and the flash-sale risk score.</summary>
    internal static async Task<FraudSignals> SignalsAsync(HttpContext http, Buyer buyer, string? billingCountry, CancellationToken ct)
    {
        var device = http.RequestServices.GetService<IDeviceContext>()?.DeviceId(http);
        var risk = http.RequestServices.GetService<IBuyerRiskSignals>() is { } signals ? await signals.AssessAsync(buyer.Id, http, ct) : BuyerRisk.None;
        var created = http.User.FindFirstValue("created_at") is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var at)
            ? at : DateTimeOffset.UnixEpoch;
        return new FraudSignals(http.Connection.RemoteIpAddress?.ToString(), billingCountry, "", created, device?.ToString(), risk.Score, 0);
    }

    internal static async Task<Ok<List<OrderView>>> List(ClaimsPrincipal user, OrdersDbContext db, CancellationToken ct)
    {
        var buyerId = Buyer.IdOf(user);
        var orders = await db.Orders.AsNoTracking().Include(o => o.Admissions).Where(o => o.BuyerId == buyerId)
            .OrderByDescending(o => o.CreatedAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(orders.Select(OrderView.From).ToList());
    }

    internal static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(Guid orderId, ClaimsPrincipal user, OrdersDbContext db, CancellationToken ct)
    {
        var buyerId = Buyer.IdOf(user);
        var order = await db.Orders.AsNoTracking().Include(o => o.Admissions).SingleOrDefaultAsync(o => o.Id == orderId && o.BuyerId == buyerId, ct);
        return order is null ? Problem(404, "Not found", $"No order {orderId} of yours.") : TypedResults.Ok(OrderView.From(order));
    }

    internal static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(Guid orderId, ClaimsPrincipal user, CheckoutService checkout, CancellationToken ct)
    {
        var order = await checkout.FindAsync(orderId, ct);
        if (order is null || order.BuyerId != Buyer.IdOf(user)) return Problem(404, "Not found", $"No order {orderId} of yours.");
        if (!order.CanMoveTo(OrderStatus.Cancelled))
            return Problem(409, "Order cannot be cancelled", $"This order is {CheckoutService.Describe(order.Status)}; paid orders are refunded instead.");
        await checkout.ExpireAsync(orderId, "Cancelled by the buyer", ct, OrderStatus.Cancelled, order.BuyerId.ToString());
        return TypedResults.Ok(OrderView.From((await checkout.FindAsync(orderId, ct))!));
    }

    static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
