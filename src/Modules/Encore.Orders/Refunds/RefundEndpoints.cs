using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Orders.Http;
using Encore.Orders.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Refunds;

internal sealed record RefundRequest(IReadOnlyList<Guid>? AdmissionIds);

internal sealed record RefundView(Guid Id, Guid OrderId, string State, long AmountMinor, string Currency, IReadOnlyList<Guid> AdmissionIds, bool EventCancelled, DateTimeOffset CreatedAt);

/// <summary>A buyer asks for a refund of some or all admissions, as the event's refund policy allows.</summary>
internal static class RefundEndpoints
{
    public static void Map(RouteGroupBuilder buyer) =>
        buyer.MapPost("/orders/{orderId:guid}/refunds", Request).Idempotent<OrdersDbContext>()
            .WithSummary("Refund admissions of your paid order under the event's refund policy (Idempotency-Key honoured)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway);

    internal static async Task<Results<Created<RefundView>, ProblemHttpResult>> Request(
        Guid orderId, RefundRequest request, ClaimsPrincipal user, OrdersDbContext db, RefundService refunds, TimeProvider clock, CancellationToken ct)
    {
        var buyerId = Buyer.IdOf(user);
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId && o.BuyerId == buyerId, ct);
        if (order is null) return Problem(404, "Not found", $"No order {orderId} of yours.");
        var settings = await db.SalesSettings.AsNoTracking().SingleOrDefaultAsync(s => s.EventId == order.EventId, ct);
        var now = clock.GetUtcNow();
        var (allowed, includeFees, why) = settings?.RefundPolicy switch
        {
            RefundPolicyKind.Full when now < order.PerformanceStartsAt => (true, true, ""),
            RefundPolicyKind.Full => (false, false, "Refunds closed when the performance started."),
            RefundPolicyKind.UntilDate when settings.RefundUntil is { } until && now < until => (true, false, ""),
            RefundPolicyKind.UntilDate => (false, false, "The organizer's refund period has ended."),
            _ => (false, false, "The organizer does not offer refunds for this event; if it is cancelled, you get everything back automatically."),
        };
        if (!allowed) return Problem(409, "Refund not available", why);
        var outcome = await refunds.RefundAsync(orderId, request.AdmissionIds, includeFees, eventCancelled: false, "Requested by the buyer", buyerId!.Value.ToString(), ct);
        return outcome switch
        {
            RefundOutcome.Done done => TypedResults.Created($"/api/orders/{orderId}", View(done.Refund, order.Currency)),
            RefundOutcome.Refused refused => Problem(refused.Status, refused.Title, refused.Detail),
            _ => throw new InvalidOperationException(),
        };
    }

    static RefundView View(Refund r, string currency) => new(r.Id, r.OrderId, r.State.ToString().ToLowerInvariant(), r.Amount, currency, r.Admissions, r.EventCancelled, r.CreatedAt);

    static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
