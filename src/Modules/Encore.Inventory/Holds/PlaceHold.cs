using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Encore.Contracts.FlashSale;
using Encore.Inventory.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Inventory.Holds;

/// <summary>A buyer holds seats (chosen or best available) or standing places while they check out.</summary>
internal static class PlaceHold
{
    public const string IdempotencyHeader = "Idempotency-Key";
    const int KeyMax = 100;
    const int QuantityMax = 50;

    /// <param name="SeatIds">Specific seats, all held or none.</param>
    /// <param name="BestAvailable">Or: let us choose adjacent seats in one row.</param>
    /// <param name="Section">Or: a general-admission section code, with Quantity.</param>
    /// <param name="Quantity">Places in the general-admission section.</param>
    internal sealed record PlaceHoldRequest(IReadOnlyList<Guid>? SeatIds, BestAvailableRequest? BestAvailable, string? Section, int? Quantity);

    /// <param name="MaxPriceMinor">Most a seat may cost, in minor units; none means any price.</param>
    /// <param name="Accessible">A wheelchair space with a companion seat beside it.</param>
    internal sealed record BestAvailableRequest(int Quantity, long? MaxPriceMinor, bool? Accessible);

    public static void Map(RouteGroupBuilder buyer) =>
        buyer.MapPost("/performances/{performanceId:guid}/holds", Handle)
            .WithSummary("Hold seats or standing places for a few minutes while checking out")
            .WithDescription("Send exactly one of: seatIds; bestAvailable {quantity, maxPriceMinor, accessible}; section with quantity. " +
                "All or nothing. A lost race or a buyer over the ticket limit answers 409 at once. Honours Idempotency-Key. " +
                "Needs a solved proof-of-work challenge for scope 'hold' in the X-Altcha header (GET /api/bot-defense/challenge?scope=hold).")
            .WithMetadata(new ProofOfWorkRequired("hold"))
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    internal static async Task<Results<Created<HoldView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid performanceId, PlaceHoldRequest request, ClaimsPrincipal user, HoldService holds, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (CurrentUser.Id(user) is not { } buyerId) return InventoryProblems.Unauthorized();
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length > KeyMax || key.Any(char.IsControl))
            return TypedResults.Problem(title: "Invalid Idempotency-Key", detail: $"The key is at most {KeyMax} printable characters.", statusCode: StatusCodes.Status400BadRequest);
        if (Shape(request) is { } shapeErrors) return TypedResults.ValidationProblem(shapeErrors);

        if (await holds.LayoutAsync(performanceId, ct) is not { } layout)
            return InventoryProblems.NotFound($"No performance {performanceId} on sale.");
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            performanceId.ToString("D") + JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

        // A retry whose first attempt placed the hold (its answer lost on the way) gets that hold back
        // even when a gate below would refuse it now, its admission or the sale having ended since: the
        // buyer learns what they hold instead of a 403 while the seats stay held in their name.
        async Task<HoldOutcome?> EarlierAsync() => key.Length == 0 ? null : await holds.ReplayAsync(layout, buyerId, key, hash, ct);

        // A queued on-sale lets in only those the waiting room admitted (the module is optional: no gate, no queue).
        if (http.RequestServices.GetService<IAdmissionGate>() is { } gate
            && await gate.CheckAsync(layout.EventId, user, http, ct) is AdmissionDecision.Refused refused)
            return await EarlierAsync() is { } earlier
                ? Answer(earlier, layout, http)
                : TypedResults.Problem(title: "Admission required", detail: refused.Detail, statusCode: StatusCodes.Status403Forbidden,
                    extensions: new Dictionary<string, object?> { ["queueUrl"] = refused.QueueUrl });
        if (Spec(request, layout, out var errors) is not { } spec) return TypedResults.ValidationProblem(errors);
        if (layout.NotOnSale(clock.GetUtcNow()) is { } closed)
            return await EarlierAsync() is { } earlier ? Answer(earlier, layout, http) : InventoryProblems.Conflict(closed.Title, closed.Detail);

        return Answer(await holds.PlaceAsync(layout, buyerId, spec, key.Length == 0 ? null : key, hash, ct), layout, http);
    }

    static Results<Created<HoldView>, ValidationProblem, ProblemHttpResult> Answer(HoldOutcome outcome, PerformanceLayout layout, HttpContext http)
    {
        switch (outcome)
        {
            case HoldOutcome.Placed placed:
                if (placed.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Created($"/api/holds/{placed.Hold.Id}", HoldView.From(placed.Hold, layout));
            case HoldOutcome.SeatsTaken { SeatIds.Count: 0 }:
                return InventoryProblems.Conflict("No seats available together",
                    "No block of adjacent seats in one row matches the request now; try fewer seats or a higher price.");
            case HoldOutcome.SeatsTaken taken:
                return InventoryProblems.Conflict("Seats no longer available",
                    "Someone else holds some of these seats; nothing was held. Choose other seats.",
                    new Dictionary<string, object?> { ["seatIds"] = taken.SeatIds });
            case HoldOutcome.NotEnoughLeft left:
                return InventoryProblems.Conflict("Not enough tickets left",
                    $"Only {left.Remaining} left in this section right now; nothing was held.",
                    new Dictionary<string, object?> { ["remaining"] = left.Remaining });
            case HoldOutcome.OverLimit limit:
                return InventoryProblems.Conflict("Ticket limit reached",
                    $"Each buyer may have at most {limit.Limit} tickets for this performance; you already have {limit.AlreadyHeld}, held or bought.",
                    new Dictionary<string, object?> { ["limit"] = limit.Limit, ["held"] = limit.AlreadyHeld });
            case HoldOutcome.KeyReused { HoldGone: true }:
                return InventoryProblems.Conflict("Hold no longer live",
                    "The hold this Idempotency-Key created has expired or was released; use a new key to hold again.");
            default:
                return TypedResults.Problem(title: "Idempotency-Key reused with a different request",
                    detail: "Use a new key for a new request.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>What can be checked without reading anything.</summary>
    static Dictionary<string, string[]>? Shape(PlaceHoldRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var forms = (request.SeatIds is { Count: > 0 } ? 1 : 0) + (request.BestAvailable is not null ? 1 : 0) + (request.Section is not null ? 1 : 0);
        if (forms != 1)
            errors["request"] = ["Send exactly one of: seatIds, bestAvailable, or section with quantity."];
        else if (request.SeatIds is { } seats)
        {
            if (seats.Count > QuantityMax) errors["seatIds"] = [$"At most {QuantityMax} seats in one hold."];
            else if (seats.Distinct().Count() != seats.Count) errors["seatIds"] = ["Each seat appears once."];
        }
        else if (request.BestAvailable is { } best)
        {
            if (best.Quantity is < 1 or > QuantityMax) errors["bestAvailable.quantity"] = [$"Quantity is between 1 and {QuantityMax}."];
            if (best.MaxPriceMinor is < 0) errors["bestAvailable.maxPriceMinor"] = ["The price limit is not negative."];
        }
        else
        {
            if (request.Section is not { Length: >= 1 and <= 40 }) errors["section"] = ["Give a section code of at most 40 characters."];
            if (request.Quantity is not (>= 1 and <= QuantityMax)) errors["quantity"] = [$"Quantity is between 1 and {QuantityMax}."];
        }
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>What needs the layout: seats and sections must exist here and be for sale.</summary>
    static HoldSpec? Spec(PlaceHoldRequest request, PerformanceLayout layout, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (request.SeatIds is { Count: > 0 } seats)
        {
            for (var i = 0; i < seats.Count; i++)
                if (!layout.Seats.TryGetValue(seats[i], out var seat) || !seat.Sellable)
                    errors[$"seatIds[{i}]"] = [$"Seat {seats[i]} is not a seat on sale for this performance."];
            return errors.Count == 0 ? new HoldSpec.Seats(seats) : null;
        }
        if (request.BestAvailable is { } best)
            return new HoldSpec.Best(new BestAvailable.Criteria(best.Quantity, best.MaxPriceMinor, best.Accessible ?? false));
        if (!layout.Standing.TryGetValue(request.Section!, out var area) || area.PriceMinor is null)
        {
            errors["section"] = [$"'{request.Section}' is not a general-admission section on sale for this performance."];
            return null;
        }
        return new HoldSpec.Standing(area.Section, request.Quantity!.Value);
    }
}
