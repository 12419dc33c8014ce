using System.Security.Claims;
using Encore.Inventory.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Inventory.Holds;

/// <summary>A buyer reads, extends (once) or cancels their own hold; anyone else's answers 404.</summary>
internal static class ManageHold
{
    public static void Map(RouteGroupBuilder buyer)
    {
        buyer.MapGet("/holds/{holdId:guid}", Get)
            .WithSummary("A live hold of yours: its seats, total and expiry")
            .ProducesProblem(StatusCodes.Status404NotFound);
        buyer.MapDelete("/holds/{holdId:guid}", Release)
            .WithSummary("Release a hold now, freeing its seats")
            .ProducesProblem(StatusCodes.Status404NotFound);
        buyer.MapPost("/holds/{holdId:guid}/extend", Extend)
            .WithSummary("Extend a hold once by its own length, for those who need more time (WCAG 2.2.1)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Ok<HoldView>, ProblemHttpResult>> Get(
        Guid holdId, ClaimsPrincipal user, IHoldStore store, HoldService holds, CancellationToken ct)
    {
        var hold = await store.GetAsync(holdId, ct);
        if (hold is null || hold.BuyerId != CurrentUser.Id(user) || await holds.LayoutAsync(hold.PerformanceId, ct) is not { } layout)
            return NoHold(holdId);
        return TypedResults.Ok(HoldView.From(hold, layout));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Release(Guid holdId, ClaimsPrincipal user, IHoldStore store, CancellationToken ct)
    {
        if (CurrentUser.Id(user) is not { } buyerId || await store.ReleaseAsync(holdId, buyerId, ct) is null) return NoHold(holdId);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<HoldView>, ProblemHttpResult>> Extend(
        Guid holdId, ClaimsPrincipal user, IHoldStore store, HoldService holds, CancellationToken ct)
    {
        if (CurrentUser.Id(user) is not { } buyerId) return NoHold(holdId);
        var outcome = await store.ExtendAsync(holdId, buyerId, ct);
        switch (outcome)
        {
            case ExtendOutcome.Extended extended when await holds.LayoutAsync(extended.Hold.PerformanceId, ct) is { } layout:
                return TypedResults.Ok(HoldView.From(extended.Hold, layout));
            case ExtendOutcome.AlreadyExtended already:
                return InventoryProblems.Conflict("Hold already extended",
                    $"A hold is extended once; this one now expires at {already.Hold.ExpiresAt:O}.");
            default:
                return NoHold(holdId);
        }
    }

    static ProblemHttpResult NoHold(Guid holdId) => InventoryProblems.NotFound($"No live hold {holdId} of yours.");
}
