using System.Text.Json.Serialization;
using Encore.Tickets.Codes;
using Encore.Tickets.Issuance;
using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Scanning;

/// <summary>What a gate is told.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScanOutcome>))]
internal enum ScanOutcome
{
    Admitted,
    AlreadyAdmitted,
    Unreadable,
    UnknownKey,
    NotGenuine,
    KeyRetired,
    WrongEvent,
    WrongPerformance,
    NotOpenYet,
    Closed,
    RotatingCodeRequired,
    CodeExpired,
    Voided,
    Superseded,
    UnknownTicket,
}

/// <summary>A scan's answer: admitted or not, why, and for a duplicate when and where the ticket was first admitted.</summary>
internal sealed record ScanVerdict(
    ScanOutcome Outcome, bool Admitted, string Message, Guid? TicketId, Guid? PerformanceId, string? Place,
    DateTimeOffset? FirstScannedAt, string? FirstGate, bool? FirstOffline);

/// <summary>A code that passed every check that needs no ticket row: genuine, this event's, current, in the window.</summary>
internal sealed record CheckedCode(ParsedCode Code, TicketKey Key, EventKeys Event, TicketPerformance Performance);

/// <summary>
/// Decides a scan. Everything but the ticket's own state is checked without touching the tickets
/// table (key, signature, performance, window, rotation); then admission is one conditional UPDATE,
/// so of many gates scanning one ticket at once exactly one is admitted, on any number of instances.
/// </summary>
internal sealed class Gatekeeper(TicketKeyRing keys, Schedules schedules, TicketsOptions options)
{
    public async Task<(CheckedCode? Checked, ScanVerdict? Refusal)> CheckAsync(string code, Guid eventId, Guid? performanceId, DateTimeOffset at, CancellationToken ct)
    {
        if (TicketToken.Parse(code) is not { } parsed) return (null, Refuse(ScanOutcome.Unreadable, "This is not an Encore ticket code."));
        var claims = parsed.Claims;
        if (await keys.FindAsync(claims.KeyId, ct) is not { } found) return (null, Refuse(ScanOutcome.UnknownKey, "The code was signed with a key we do not know.", claims));
        var (key, ev) = found;
        if (key.EventId != eventId) return (null, Refuse(ScanOutcome.WrongEvent, "This ticket is for another event.", claims));
        if (key.RetiredAt is not null) return (null, Refuse(ScanOutcome.KeyRetired, "The code was signed with a retired key: the holder must show the ticket again from their account.", claims));
        if (!key.Verify(parsed)) return (null, Refuse(ScanOutcome.NotGenuine, "The code's signature does not match: it is not a genuine ticket.", claims));
        if (performanceId is { } wanted && wanted != claims.PerformanceId) return (null, Refuse(ScanOutcome.WrongPerformance, "This ticket is for another performance.", claims));
        if (await schedules.FindAsync(claims.PerformanceId, ct) is not { } performance || performance.EventId != eventId)
            return (null, Refuse(ScanOutcome.WrongPerformance, "This ticket's performance is not one of this event's.", claims));
        if (at < performance.DoorsAt) return (null, Refuse(ScanOutcome.NotOpenYet, $"Doors open at {performance.DoorsAt:u}.", claims));
        if (at > performance.EndsAt + options.AdmitAfterEnd) return (null, Refuse(ScanOutcome.Closed, "This performance has ended.", claims));

        if (parsed.IsRotating || ev.RequireRotatingCodes)
        {
            if (!parsed.IsRotating) return (null, Refuse(ScanOutcome.RotatingCodeRequired, "This event admits only the live code on the holder's phone, not a printout or screenshot.", claims));
            var secret = DisplayCode.TicketSecret(ev.DisplaySecret, claims.TicketId, claims.Generation);
            if (!DisplayCode.IsCurrent(parsed, secret, at)) return (null, Refuse(ScanOutcome.CodeExpired, "This code has expired: it is a screenshot or the phone's clock is wrong. Ask for the live ticket.", claims));
        }
        return (new CheckedCode(parsed, key, ev, performance), null);
    }

    /// <summary>Online: check, then admit with the one conditional UPDATE.</summary>
    public async Task<ScanVerdict> ScanAsync(TicketsDbContext db, string code, Guid eventId, Guid? performanceId, string gate, DateTimeOffset now, CancellationToken ct)
    {
        var (ok, refusal) = await CheckAsync(code, eventId, performanceId, now, ct);
        if (ok is null) return refusal!;
        var claims = ok.Code.Claims;
        var (admitted, state) = await CheckIn.AdmitAsync(db, claims.TicketId, claims.Generation, now, gate, offline: false, ct);
        return Explain(claims, admitted, state) ?? await ExplainAsync(db, claims, admitted, ct);
    }

    internal static async Task<ScanVerdict> ExplainAsync(TicketsDbContext db, TicketClaims claims, bool admitted, CancellationToken ct)
    {
        var t = await db.Tickets.AsNoTracking().Where(x => x.Id == claims.TicketId)
            .Select(x => new TicketState(x.Status, x.Generation, x.CheckedInAt, x.CheckedInGate, x.CheckedInOffline, x.SeatId, x.SectionCode, x.RowLabel, x.SeatLabel, x.TierName))
            .SingleOrDefaultAsync(ct);
        return Explain(claims, admitted, t) ?? Refuse(ScanOutcome.UnknownTicket, "The ticket could not be admitted.", claims, t?.Place);
    }

    /// <summary>
    /// The verdict from the ticket's row as the check-in saw it; null when that row does not say why
    /// the UPDATE changed nothing (another gate admitted it between the statement's snapshot and its
    /// update): then a fresh read answers.
    /// </summary>
    static ScanVerdict? Explain(TicketClaims claims, bool admitted, TicketState? t)
    {
        if (t is null) return Refuse(ScanOutcome.UnknownTicket, "No such ticket was issued.", claims);
        var place = t.Place;
        if (admitted) return new ScanVerdict(ScanOutcome.Admitted, true, $"Admit one: {place}.", claims.TicketId, claims.PerformanceId, place, t.CheckedInAt, t.CheckedInGate, false);
        if (t.Status == TicketStatus.Voided) return Refuse(ScanOutcome.Voided, "This ticket was refunded or cancelled.", claims, place);
        if (t.Generation != claims.Generation) return Refuse(ScanOutcome.Superseded, "This code belongs to an earlier holder of the ticket (transferred or resold).", claims, place);
        if (t.CheckedInAt is { } first)
            return new ScanVerdict(ScanOutcome.AlreadyAdmitted, false, $"Already admitted at {first:u} at {t.CheckedInGate}{(t.CheckedInOffline ? " (offline)" : "")}.",
                claims.TicketId, claims.PerformanceId, place, first, t.CheckedInGate, t.CheckedInOffline);
        return null;
    }

    static ScanVerdict Refuse(ScanOutcome outcome, string message, TicketClaims? claims = null, string? place = null) =>
        new(outcome, false, message, claims?.TicketId, claims?.PerformanceId, place, null, null, null);
}

/// <summary>What a scan tells about a ticket's row: its state, and where it admits to.</summary>
internal sealed record TicketState(
    TicketStatus Status, int Generation, DateTimeOffset? CheckedInAt, string? CheckedInGate, bool CheckedInOffline,
    Guid? SeatId, string SectionCode, string? RowLabel, string? SeatLabel, string TierName)
{
    public string Place => SeatId is null ? $"{TierName} (standing, {SectionCode})" : $"{SectionCode}, row {RowLabel}, seat {SeatLabel}";
}

/// <summary>The check-in: one conditional UPDATE, the only way a ticket is ever admitted.</summary>
internal static class CheckIn
{
    public static async Task<bool> TryAsync(TicketsDbContext db, Guid ticketId, int generation, DateTimeOffset at, string gate, bool offline, CancellationToken ct) =>
        await db.Tickets
            .Where(t => t.Id == ticketId && t.CheckedInAt == null && t.Generation == generation && t.Status == TicketStatus.Valid)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.CheckedInAt, at)
                .SetProperty(t => t.CheckedInGate, gate)
                .SetProperty(t => t.CheckedInOffline, offline), ct) == 1;

    /// <summary>
    /// The conditional UPDATE and the row it judged. On PostgreSQL one statement does both (one round
    /// trip whatever the answer); elsewhere the UPDATE, then a read. The state is null when no such
    /// ticket exists; when admitted it is the row after the check-in.
    /// </summary>
    public static async Task<(bool Admitted, TicketState? State)> AdmitAsync(TicketsDbContext db, Guid ticketId, int generation, DateTimeOffset at, string gate, bool offline, CancellationToken ct)
    {
        if (db is PostgresTicketsDbContext) return await PostgresCheckIn.AdmitAsync(db, ticketId, generation, at, gate, offline, ct);
        var admitted = await TryAsync(db, ticketId, generation, at, gate, offline, ct);
        var state = await db.Tickets.AsNoTracking().Where(x => x.Id == ticketId)
            .Select(x => new TicketState(x.Status, x.Generation, x.CheckedInAt, x.CheckedInGate, x.CheckedInOffline, x.SeatId, x.SectionCode, x.RowLabel, x.SeatLabel, x.TierName))
            .SingleOrDefaultAsync(ct);
        return (admitted, state);
    }
}
