using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Contracts.Payments;
using Encore.Payments.Authorization;
using Encore.Payments.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Payments.Admin;

/// <summary>The fraud screen's decisions for operators, and the review queue: approve (authorize now) or reject.</summary>
internal static class FraudReview
{
    public sealed record Reason(string Code, int Points, string Detail);

    public sealed record DecisionView(
        Guid PaymentId, Guid OrderId, Guid BuyerId, long Amount, string Currency, string Outcome, int Score, IReadOnlyList<Reason> Reasons,
        DateTimeOffset DecidedAt, string PaymentState, string? Resolution, DateTimeOffset? ReviewedAt);

    public sealed record DecisionsResponse(IReadOnlyList<DecisionView> Decisions);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/fraud-decisions", List)
            .WithName("PaymentsFraudDecisions")
            .WithSummary("The fraud screen's decisions, newest first, with score and reasons; awaiting=true lists only payments held for review.");
        admin.MapPost("/{paymentId:guid}/approve", Approve)
            .WithName("PaymentsApproveReview")
            .WithSummary("Approves a payment held for review: it is authorized now and Orders learns the outcome (PaymentAuthorized or PaymentFailed). Approving again answers the payment's status.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{paymentId:guid}/reject", Reject)
            .WithName("PaymentsRejectReview")
            .WithSummary("Rejects a payment held for review: it fails and Orders learns it (PaymentFailed). Rejecting again answers the payment's status.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<DecisionsResponse>, ValidationProblem>> List(
        PaymentsDbContext db, CancellationToken ct, bool awaiting = false, int limit = 100)
    {
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "Between 1 and 500.");
        var query = db.FraudDecisions.AsNoTracking();
        if (awaiting) query = query.Where(d => d.Outcome == FraudOutcome.Review && d.Resolution == null);
        var decisions = await query.OrderByDescending(d => d.DecidedAt).Take(limit).ToListAsync(ct);
        var ids = decisions.Select(d => d.PaymentId).ToList();
        var states = await db.Attempts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.ToStatus().State, ct);
        return TypedResults.Ok(new DecisionsResponse(decisions.Select(d => new DecisionView(
            d.PaymentId, d.OrderId, d.BuyerId, d.Amount, d.Currency, d.Outcome.ToString(), d.Score,
            d.Reasons.Select(r => new Reason(r.Code, r.Points, r.Detail)).ToList(), d.DecidedAt,
            states.TryGetValue(d.PaymentId, out var s) ? s.ToString() : "Unknown", d.Resolution?.ToString(), d.ReviewedAt)).ToList()));
    }

    public static Task<Results<Ok<PaymentStatus>, ProblemHttpResult>> Approve(
        Guid paymentId, ClaimsPrincipal user, PaymentService payments, PaymentsDbContext db, CancellationToken ct) =>
        ResolveAsync(paymentId, ReviewResolution.Approved, user, payments, db, ct);

    public static Task<Results<Ok<PaymentStatus>, ProblemHttpResult>> Reject(
        Guid paymentId, ClaimsPrincipal user, PaymentService payments, PaymentsDbContext db, CancellationToken ct) =>
        ResolveAsync(paymentId, ReviewResolution.Rejected, user, payments, db, ct);

    static async Task<Results<Ok<PaymentStatus>, ProblemHttpResult>> ResolveAsync(
        Guid paymentId, ReviewResolution resolution, ClaimsPrincipal user, PaymentService payments, PaymentsDbContext db, CancellationToken ct)
    {
        var decision = await db.FraudDecisions.AsNoTracking().SingleOrDefaultAsync(d => d.PaymentId == paymentId, ct);
        if (decision is null || decision.Outcome != FraudOutcome.Review)
            return Problems.NotFound($"No payment {paymentId} was held for review.");
        if (decision.Resolution is { } done)
            return done == resolution
                ? TypedResults.Ok((await payments.GetAsync(paymentId, ct))!)
                : Problems.Conflict("Already reviewed", $"The payment was already {done.ToString().ToLowerInvariant()}.");
        var reviewer = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
        var attempt = resolution == ReviewResolution.Approved
            ? await payments.ApproveAsync(paymentId, reviewer, ct)
            : await payments.RejectAsync(paymentId, reviewer, ct);
        var after = await db.FraudDecisions.AsNoTracking().SingleAsync(d => d.PaymentId == paymentId, ct);
        if (after.Resolution != resolution)
            return Problems.Conflict("Not in review", "The payment is no longer held for review (voided, or reviewed by someone else).");
        return TypedResults.Ok(attempt!.ToStatus());
    }
}
