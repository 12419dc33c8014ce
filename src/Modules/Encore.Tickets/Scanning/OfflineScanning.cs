using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Encore.Tickets.Codes;
using Encore.Tickets.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Scanning;

/// <summary>
/// Offline mode: a scanner downloads what it needs to judge codes alone (the event's public keys,
/// the performances' windows, the tickets that no longer admit and those already admitted), judges
/// at the gate, and later syncs its check-ins, each applied with the same conditional UPDATE as an
/// online scan, at the time it happened; the answer lists the conflicts.
/// </summary>
internal static class OfflineScanning
{
    public const int MaxCheckIns = 1000;
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);

    /// <param name="Id">The performance.</param>
    /// <param name="DoorsAt">Gates admit from this time.</param>
    /// <param name="EndsAt">When it ends.</param>
    /// <param name="AdmitUntil">Gates admit until this time (the end plus <c>Encore:Tickets:AdmitAfterEndMinutes</c>).</param>
    internal sealed record OfflinePerformance(Guid Id, DateTimeOffset DoorsAt, DateTimeOffset EndsAt, DateTimeOffset AdmitUntil);
    internal sealed record Superseded(Guid TicketId, int Generation);

    /// <param name="EventId">The event.</param>
    /// <param name="GeneratedAt">When the server made the bundle.</param>
    /// <param name="ValidUntil">Fetch a new one before this.</param>
    /// <param name="RequireRotatingCodes">Static codes are refused.</param>
    /// <param name="DisplaySecret">Base64url; lets the device check rotating codes (present only when it needs it).</param>
    /// <param name="Keys">The event's public keys, as a JWKS.</param>
    /// <param name="Performances">When each performance's gates open and close.</param>
    /// <param name="Voided">Tickets refunded or cancelled.</param>
    /// <param name="Superseded">Tickets reissued: only codes of the listed (current) generation admit.</param>
    /// <param name="Admitted">Tickets already admitted.</param>
    internal sealed record OfflineBundle(
        Guid EventId, DateTimeOffset GeneratedAt, DateTimeOffset ValidUntil, bool RequireRotatingCodes, string? DisplaySecret,
        PublicKeys.Jwks Keys, IReadOnlyList<OfflinePerformance> Performances,
        IReadOnlyList<Guid> Voided, IReadOnlyList<Superseded> Superseded, IReadOnlyList<Guid> Admitted);

    /// <param name="ClientScanId">The device's own id for this check-in: a re-sync of it answers the same.</param>
    /// <param name="Code">The code the device admitted.</param>
    /// <param name="Gate">Where.</param>
    /// <param name="ScannedAt">When, by the device's clock.</param>
    internal sealed record OfflineCheckInRequest(
        [property: Required, StringLength(100)] string ClientScanId, [property: Required, StringLength(TicketToken.MaxTextLength)] string Code,
        [property: StringLength(ScanTicket.GateMax)] string? Gate, DateTimeOffset ScannedAt);

    internal sealed record SyncRequest([property: Required] IReadOnlyList<OfflineCheckInRequest> CheckIns);

    [JsonConverter(typeof(JsonStringEnumConverter<SyncOutcome>))]
    internal enum SyncOutcome
    {
        /// <summary>The check-in stands: the ticket had not been admitted.</summary>
        Recorded,
        /// <summary>Conflict: another gate admitted the same ticket offline first.</summary>
        AdmittedOfflineElsewhere,
        /// <summary>Conflict: the ticket had already been admitted online.</summary>
        AlreadyAdmittedOnline,
        /// <summary>Conflict: the ticket was void when scanned (the device's list was old).</summary>
        Voided,
        /// <summary>Conflict: the code's generation had been replaced when scanned.</summary>
        Superseded,
        /// <summary>The code should not have been admitted at all (not genuine, wrong event, outside the window, expired).</summary>
        Invalid,
    }

    internal sealed record SyncResult(string ClientScanId, SyncOutcome Outcome, bool Conflict, Guid? TicketId, string Message,
        DateTimeOffset? FirstScannedAt, string? FirstGate);

    internal sealed record SyncResponse(int Recorded, int Conflicts, IReadOnlyList<SyncResult> Results);

    public static void Map(RouteGroupBuilder scanner)
    {
        scanner.MapGet("/events/{eventId:guid}/offline", Bundle)
            .WithSummary("Everything a scanner needs to judge this event's codes offline: keys, windows, revocation list, admitted tickets");
        scanner.MapPost("/events/{eventId:guid}/offline/sync", Sync)
            .WithSummary("Upload check-ins made offline; each is applied once, and conflicts are reported");
    }

    static async Task<Results<Ok<OfflineBundle>, ProblemHttpResult>> Bundle(
        Guid eventId, HttpContext http, TicketsDbContext db, TicketKeyRing keys, TicketsOptions options, TimeProvider clock, CancellationToken ct)
    {
        var (scanner, problem) = await ScannerIdentity.ResolveAsync(http, eventId, db, ct);
        if (scanner is null) return problem!;
        var ev = await keys.ForEventAsync(eventId, ct);
        if (ev is null) return TypedResults.Problem(title: "No tickets", detail: "No ticket of this event has been issued.", statusCode: StatusCodes.Status404NotFound);
        var now = clock.GetUtcNow();
        var performances = await db.Performances.AsNoTracking().Where(p => p.EventId == eventId)
            .Select(p => new { p.PerformanceId, p.DoorsAt, p.EndsAt }).ToListAsync(ct);
        var voided = await db.Tickets.AsNoTracking().Where(t => t.EventId == eventId && t.Status == TicketStatus.Voided).Select(t => t.Id).ToListAsync(ct);
        var superseded = await db.Tickets.AsNoTracking().Where(t => t.EventId == eventId && t.Status == TicketStatus.Valid && t.Generation > 1)
            .Select(t => new Superseded(t.Id, t.Generation)).ToListAsync(ct);
        var admitted = await db.Tickets.AsNoTracking().Where(t => t.EventId == eventId && t.CheckedInAt != null).Select(t => t.Id).ToListAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new OfflineBundle(eventId, now, now + options.OfflineBundleLifetime, ev.RequireRotatingCodes,
            ev.RequireRotatingCodes ? Base64Url.EncodeToString(ev.DisplaySecret) : null,
            PublicKeys.Of(ev), performances.Select(p => new OfflinePerformance(p.PerformanceId, p.DoorsAt, p.EndsAt, p.EndsAt + options.AdmitAfterEnd)).ToList(), voided, superseded, admitted));
    }

    static async Task<Results<Ok<SyncResponse>, ValidationProblem, ProblemHttpResult>> Sync(
        Guid eventId, SyncRequest request, HttpContext http, TicketsDbContext db, Gatekeeper gatekeeper, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.CheckIns is null || request.CheckIns.Count == 0) errors["checkIns"] = ["Send at least one check-in."];
        else if (request.CheckIns.Count > MaxCheckIns) errors["checkIns"] = [$"At most {MaxCheckIns} check-ins per sync."];
        else
        {
            for (var i = 0; i < request.CheckIns.Count; i++)
            {
                var c = request.CheckIns[i];
                if (c is null) { errors[$"checkIns[{i}]"] = ["Missing."]; continue; }
                if (string.IsNullOrWhiteSpace(c.ClientScanId) || c.ClientScanId.Length > 100) errors[$"checkIns[{i}].clientScanId"] = ["1 to 100 characters."];
                if (string.IsNullOrWhiteSpace(c.Code) || c.Code.Length > TicketToken.MaxTextLength) errors[$"checkIns[{i}].code"] = ["The code as scanned."];
                if (c.Gate is { Length: > ScanTicket.GateMax }) errors[$"checkIns[{i}].gate"] = [$"At most {ScanTicket.GateMax} characters."];
                if (c.ScannedAt == default || c.ScannedAt > clock.GetUtcNow() + FutureSkew) errors[$"checkIns[{i}].scannedAt"] = ["When the device admitted the ticket (not in the future)."];
            }
            if (request.CheckIns.Where(c => c is not null).GroupBy(c => c.ClientScanId).Any(g => g.Count() > 1)) errors["checkIns"] = ["Each clientScanId once per sync."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (scanner, problem) = await ScannerIdentity.ResolveAsync(http, eventId, db, ct);
        if (scanner is null) return problem!;

        var results = new List<SyncResult>();
        foreach (var c in request.CheckIns!.OrderBy(c => c.ScannedAt))
            results.Add(await ApplyAsync(db, gatekeeper, scanner, eventId, c, clock.GetUtcNow(), ct));
        var ordered = request.CheckIns!.Select(c => results.Single(r => r.ClientScanId == c.ClientScanId)).ToList();
        return TypedResults.Ok(new SyncResponse(ordered.Count(r => r.Outcome == SyncOutcome.Recorded), ordered.Count(r => r.Conflict), ordered));
    }

    static async Task<SyncResult> ApplyAsync(TicketsDbContext db, Gatekeeper gatekeeper, Scanner scanner, Guid eventId, OfflineCheckInRequest c, DateTimeOffset now, CancellationToken ct)
    {
        var clientScanId = c.ClientScanId.Trim();
        var earlier = await db.OfflineCheckIns.AsNoTracking().SingleOrDefaultAsync(x => x.Scanner == scanner.Key && x.ClientScanId == clientScanId, ct);
        if (earlier is not null) return Result(earlier);

        var gate = string.IsNullOrWhiteSpace(c.Gate) ? scanner.DefaultGate : c.Gate.Trim();
        var at = c.ScannedAt.ToUniversalTime();
        var (ok, refusal) = await gatekeeper.CheckAsync(c.Code, eventId, null, at, ct);
        var record = new OfflineCheckIn
        {
            Scanner = scanner.Key, ClientScanId = clientScanId, EventId = eventId, Gate = gate, ScannedAt = at, SyncedAt = now,
            TicketId = ok?.Code.Claims.TicketId ?? refusal?.TicketId,
        };
        if (ok is null)
        {
            record.Outcome = nameof(SyncOutcome.Invalid);
            record.Detail = refusal!.Message.Length > 300 ? refusal.Message[..300] : refusal.Message;
        }
        else
        {
            var claims = ok.Code.Claims;
            // The same UPDATE as online, at the time the gate admitted: a later online scan sees this as the first admission.
            var admitted = await CheckIn.TryAsync(db, claims.TicketId, claims.Generation, at, gate, offline: true, ct);
            var verdict = await Gatekeeper.ExplainAsync(db, claims, admitted, ct);
            record.Outcome = (verdict.Outcome switch
            {
                ScanOutcome.Admitted => SyncOutcome.Recorded,
                ScanOutcome.AlreadyAdmitted when verdict.FirstOffline == true => SyncOutcome.AdmittedOfflineElsewhere,
                ScanOutcome.AlreadyAdmitted => SyncOutcome.AlreadyAdmittedOnline,
                ScanOutcome.Voided => SyncOutcome.Voided,
                ScanOutcome.Superseded => SyncOutcome.Superseded,
                _ => SyncOutcome.Invalid,
            }).ToString();
            if (!admitted)
            {
                record.FirstCheckedInAt = verdict.FirstScannedAt;
                record.FirstGate = verdict.FirstGate;
            }
        }
        db.OfflineCheckIns.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same device synced the same check-in concurrently: answer what that sync recorded.
            db.ChangeTracker.Clear();
            earlier = await db.OfflineCheckIns.AsNoTracking().SingleAsync(x => x.Scanner == scanner.Key && x.ClientScanId == clientScanId, ct);
            return Result(earlier);
        }
        return Result(record);
    }

    static SyncResult Result(OfflineCheckIn r)
    {
        var outcome = Enum.Parse<SyncOutcome>(r.Outcome);
        var message = outcome switch
        {
            SyncOutcome.Recorded => "Check-in recorded.",
            SyncOutcome.AdmittedOfflineElsewhere => $"Conflict: already admitted offline at {r.FirstGate} at {r.FirstCheckedInAt:u}.",
            SyncOutcome.AlreadyAdmittedOnline => $"Conflict: already admitted online at {r.FirstGate} at {r.FirstCheckedInAt:u}.",
            SyncOutcome.Voided => "Conflict: the ticket had been refunded or cancelled.",
            SyncOutcome.Superseded => "Conflict: the code belonged to an earlier holder of the ticket.",
            _ => r.Detail ?? "The code should not have been admitted.",
        };
        return new SyncResult(r.ClientScanId, outcome, outcome != SyncOutcome.Recorded, r.TicketId, message, r.FirstCheckedInAt, r.FirstGate);
    }
}
