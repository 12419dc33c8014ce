using System.Security.Claims;
using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Identity.Risk;

/// <summary>Admins flag (shadow-ban) and unflag accounts, and list the flagged ones with their reasons.</summary>
internal static class AccountFlags
{
    internal sealed record FlagRequest(string Reason);

    internal sealed record FlaggedAccount(Guid UserId, string Email, string DisplayName, string Reason, Guid FlaggedBy, DateTimeOffset FlaggedAt);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin/risk/flags").WithTags("Admin").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("", (IdentityDb db, CancellationToken ct) => ListAsync(db, ct))
            .WithSummary("Flagged (shadow-banned) accounts, newest first");
        admin.MapPut("/{userId:guid}", Flag)
            .WithSummary("Flag an account: it may still wait in queues but is never admitted and never holds tickets")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/{userId:guid}", Unflag)
            .WithSummary("Clear an account's flag")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static async Task<Ok<List<FlaggedAccount>>> ListAsync(IdentityDb db, CancellationToken ct)
    {
        var rows = await (from f in db.AccountFlags
                          join u in db.Users on f.UserId equals u.Id
                          select new { f.UserId, u.Email, u.DisplayName, f.Reason, f.FlaggedBy, f.FlaggedAt })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(r => r.FlaggedAt)
            .Select(r => new FlaggedAccount(r.UserId, r.Email ?? "", r.DisplayName, r.Reason, r.FlaggedBy, r.FlaggedAt)).ToList());
    }

    static async Task<Results<Ok<FlaggedAccount>, ValidationProblem, ProblemHttpResult>> Flag(
        Guid userId, FlagRequest request, ClaimsPrincipal admin, IdentityDb db, BuyerRiskSignals risk, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await FlagAsync(userId, request.Reason, admin, db, risk, clock, ct);
        return outcome switch
        {
            FlagOutcome.Flagged(var flagged) => TypedResults.Ok(flagged),
            FlagOutcome.Invalid(var message) => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [message] }),
            _ => TypedResults.Problem(title: "Not found", detail: $"No account {userId}.", statusCode: StatusCodes.Status404NotFound),
        };
    }

    internal abstract record FlagOutcome
    {
        public sealed record Flagged(FlaggedAccount Account) : FlagOutcome;
        public sealed record Invalid(string Message) : FlagOutcome;
        public sealed record NoAccount : FlagOutcome;
    }

    /// <summary>Flags or re-flags (a new reason replaces the old); shared by the API and the admin page.</summary>
    internal static async Task<FlagOutcome> FlagAsync(Guid userId, string? reason, ClaimsPrincipal admin, IdentityDb db, BuyerRiskSignals risk, TimeProvider clock, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (reason is not { Length: >= 3 and <= AccountFlag.ReasonMax } || reason.Any(char.IsControl))
            return new FlagOutcome.Invalid($"Say why, in 3 to {AccountFlag.ReasonMax} characters on one line.");
        if (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct) is not { } user) return new FlagOutcome.NoAccount();

        var adminId = Guid.TryParse(admin.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
        var flag = await db.AccountFlags.SingleOrDefaultAsync(f => f.UserId == userId, ct);
        if (flag is null) db.AccountFlags.Add(flag = new AccountFlag { UserId = userId });
        flag.Reason = reason;
        flag.FlaggedBy = adminId;
        flag.FlaggedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another admin flagged the account at the same moment; theirs stands.
            db.ChangeTracker.Clear();
            flag = await db.AccountFlags.AsNoTracking().SingleAsync(f => f.UserId == userId, ct);
        }
        risk.FlagsChanged();
        return new FlagOutcome.Flagged(new FlaggedAccount(userId, user.Email ?? "", user.DisplayName, flag.Reason, flag.FlaggedBy, flag.FlaggedAt));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Unflag(Guid userId, IdentityDb db, BuyerRiskSignals risk, CancellationToken ct)
    {
        if (!await UnflagAsync(userId, db, risk, ct))
            return TypedResults.Problem(title: "Not found", detail: $"Account {userId} is not flagged.", statusCode: StatusCodes.Status404NotFound);
        return TypedResults.NoContent();
    }

    internal static async Task<bool> UnflagAsync(Guid userId, IdentityDb db, BuyerRiskSignals risk, CancellationToken ct)
    {
        var removed = await db.AccountFlags.Where(f => f.UserId == userId).ExecuteDeleteAsync(ct);
        risk.FlagsChanged();
        return removed > 0;
    }
}
