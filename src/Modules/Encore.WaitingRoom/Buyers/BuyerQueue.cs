using System.Security.Claims;
using Encore.Contracts.FlashSale;
using Encore.WaitingRoom.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.WaitingRoom.Buyers;

/// <summary>A buyer joins an on-sale's queue, checks their place (which also says they are still there) and leaves.</summary>
internal static class BuyerQueue
{
    public static void Map(RouteGroupBuilder buyer)
    {
        buyer.MapPost("/waiting-room/{eventId:guid}/join", Join)
            .WithSummary("Take a place in an on-sale's queue (one per account: another tab or device gets the same place)")
            .WithDescription("Before the start, places are drawn at random at the start; later arrivals queue in order. " +
                "409 before the pre-queue opens or after the queue closed; 503 with Retry-After when the queue is full.")
            .WithMetadata(new ProofOfWorkRequired("queue-join"))
            .RequireRateLimiting(RateLimitPolicies.QueueJoin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        buyer.MapGet("/waiting-room/{eventId:guid}/status", Status)
            .RequireRateLimiting(RateLimitPolicies.QueueStatus)
            .WithSummary("Your place in the queue: position, people ahead, estimated wait; once admitted, the admission token")
            .WithDescription("Also a check-in: places whose client stops checking in are skipped when the counter reaches them.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        buyer.MapPost("/waiting-room/{eventId:guid}/leave", Leave)
            .RequireRateLimiting(RateLimitPolicies.QueueStatus)
            .WithSummary("Leave the queue, or leave checkout (which lets the next person in when the on-sale runs by capacity)")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static ProblemHttpResult? Problem(StatusOutcome outcome, HttpContext http) => outcome switch
    {
        StatusOutcome.NoQueue => TypedResults.Problem(title: "Not found", detail: "This event has no queue.", statusCode: StatusCodes.Status404NotFound),
        StatusOutcome.NotJoined => TypedResults.Problem(title: "Not in the queue", detail: "Join the queue first.", statusCode: StatusCodes.Status404NotFound),
        StatusOutcome.NotOpen notOpen => TypedResults.Problem(title: "Queue not open yet",
            detail: $"The queue opens at {notOpen.OpensAt:u}.", statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["opensAt"] = notOpen.OpensAt }),
        StatusOutcome.Closed => TypedResults.Problem(title: "Queue closed", detail: "This on-sale's queue is closed.", statusCode: StatusCodes.Status409Conflict),
        StatusOutcome.Full full => Full(http, full.Waiting),
        _ => null,
    };

    static ProblemHttpResult Full(HttpContext http, long waiting)
    {
        http.Response.Headers.RetryAfter = "60";
        return TypedResults.Problem(title: "Queue full",
            detail: "The queue has as many people as it can take. Try again in a minute: places free up as people are admitted or leave.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            extensions: new Dictionary<string, object?> { ["waiting"] = waiting, ["retryAfterSeconds"] = 60 });
    }

    static ProblemHttpResult Unauthorized() => TypedResults.Problem(title: "Not signed in", statusCode: StatusCodes.Status401Unauthorized);

    static async Task<Results<Ok<QueueStatusView>, Created<QueueStatusView>, ProblemHttpResult>> Join(
        Guid eventId, ClaimsPrincipal user, QueueService queues, HttpContext http, CancellationToken ct)
    {
        if (QueueService.AccountId(user) is not { } accountId) return Unauthorized();
        var (outcome, isNew) = await queues.JoinAsync(eventId, accountId, http, ct);
        if (Problem(outcome, http) is { } problem) return problem;
        var view = ((StatusOutcome.Found)outcome).View;
        return isNew ? TypedResults.Created($"/api/waiting-room/{eventId:D}/status", view) : TypedResults.Ok(view);
    }

    static async Task<Results<Ok<QueueStatusView>, ProblemHttpResult>> Status(
        Guid eventId, ClaimsPrincipal user, QueueService queues, HttpContext http, CancellationToken ct)
    {
        if (QueueService.AccountId(user) is not { } accountId) return Unauthorized();
        var outcome = await queues.StatusAsync(eventId, accountId, http, touch: true, ct);
        if (Problem(outcome, http) is { } problem) return problem;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(((StatusOutcome.Found)outcome).View);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Leave(
        Guid eventId, ClaimsPrincipal user, QueueService queues, HttpContext http, CancellationToken ct)
    {
        if (QueueService.AccountId(user) is not { } accountId) return Unauthorized();
        var outcome = await queues.LeaveAsync(eventId, accountId, ct);
        if (Problem(outcome, http) is { } problem) return problem;
        http.Response.Cookies.Delete(Tokens.AdmissionTokens.CookieName(eventId), new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }
}
