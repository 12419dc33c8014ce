using System.Security.Claims;
using Encore.Inventory.Holds;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Inventory.Http;

internal static class CurrentUser
{
    /// <summary>The Identity user id from the name-identifier claim both cookie and bearer carry.</summary>
    public static Guid? Id(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}

internal sealed record HeldSeatView(Guid Id, string Section, string Row, string Label, long? PriceMinor, bool Wheelchair, bool Companion);

internal sealed record HeldStandingView(string Section, string Name, int Quantity, long? PriceMinor);

/// <param name="FencingToken">Increases with every hold of the performance; checkout presents it so a stale holder's write loses.</param>
/// <param name="CanExtend">The hold may still be extended once (by its own length).</param>
internal sealed record HoldView(
    Guid Id, Guid PerformanceId, IReadOnlyList<HeldSeatView> Seats, HeldStandingView? GeneralAdmission, int Quantity,
    string Currency, long TotalMinor, long FencingToken, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Extended, bool CanExtend)
{
    public static HoldView From(Hold hold, PerformanceLayout layout)
    {
        var seats = hold.SeatIds.Select(id => layout.Seats.TryGetValue(id, out var s)
            ? new HeldSeatView(s.Id, s.Section, s.Row, s.Label, s.PriceMinor, s.Wheelchair, s.Companion)
            : new HeldSeatView(id, "", "", "", null, false, false)).ToList();
        HeldStandingView? standing = hold.Section is { } code
            ? new HeldStandingView(code, layout.Standing.TryGetValue(code, out var area) ? area.Name : code, hold.Quantity, area?.PriceMinor)
            : null;
        var total = seats.Sum(s => s.PriceMinor ?? 0) + (standing is null ? 0 : (standing.PriceMinor ?? 0) * standing.Quantity);
        return new HoldView(hold.Id, hold.PerformanceId, seats, standing, hold.Quantity, layout.Currency, total,
            hold.FencingToken, hold.CreatedAt, hold.ExpiresAt, hold.Extended, !hold.Extended);
    }
}

internal static class InventoryProblems
{
    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(title: "Not signed in", statusCode: StatusCodes.Status401Unauthorized);
}
