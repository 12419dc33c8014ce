using System.ComponentModel.DataAnnotations;
using Encore.BuildingBlocks.Http;
using Encore.Tickets.Codes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Tickets.Scanning;

/// <summary>POST /api/scanner/events/{eventId}/scans: one online scan at a gate.</summary>
internal static class ScanTicket
{
    public const int GateMax = 100;

    /// <param name="Code">The text read from the QR code (or typed in).</param>
    /// <param name="Gate">Where the scan happens; the device's name when omitted.</param>
    /// <param name="PerformanceId">The performance this gate admits to, when the event has several.</param>
    internal sealed record ScanRequest([property: Required, StringLength(TicketToken.MaxTextLength)] string Code, [property: StringLength(GateMax)] string? Gate, Guid? PerformanceId);

    public static void Map(RouteGroupBuilder scanner) =>
        scanner.MapPost("/events/{eventId:guid}/scans", Handle)
            .WithSummary("Scan a ticket code at a gate: verdict, and for a duplicate when and where it was first admitted");

    static async Task<Results<Ok<ScanVerdict>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid eventId, ScanRequest request, HttpContext http, TicketsDbContext db, Gatekeeper gatekeeper, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Code)) errors["code"] = ["Scan or type the ticket's code."];
        else if (request.Code.Length > TicketToken.MaxTextLength) errors["code"] = [$"A code is at most {TicketToken.MaxTextLength} characters."];
        if (request.Gate is { Length: > GateMax }) errors["gate"] = [$"A gate name is at most {GateMax} characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (scanner, problem) = await ScannerIdentity.ResolveAsync(http, eventId, db, ct);
        if (scanner is null) return problem!;
        var gate = string.IsNullOrWhiteSpace(request.Gate) ? scanner.DefaultGate : request.Gate.Trim();
        return TypedResults.Ok(await gatekeeper.ScanAsync(db, request.Code, eventId, request.PerformanceId, gate, clock.GetUtcNow(), ct));
    }
}
