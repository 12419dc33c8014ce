using Encore.Tickets.Model;

namespace Encore.Tickets.Codes;

/// <summary>A code to show: its text, whether it rotates, and until when this one admits.</summary>
internal sealed record ShownCode(string Text, bool Rotating, DateTimeOffset? RefreshAt);

/// <summary>Makes a ticket's codes with its event's current key. Codes are not stored: each one is signed when shown.</summary>
internal sealed class TicketCodes(TicketKeyRing keys, TimeProvider clock)
{
    public static TicketClaims Claims(Ticket t, TicketKey key) =>
        new(key.KeyId, t.Id, t.PerformanceId, t.Generation, t.IsStanding, t.SeatId ?? t.TierId);

    /// <summary>The printable code (email, PDF). Null when the event requires rotating codes: a printed one would never admit.</summary>
    public async Task<ShownCode?> StaticAsync(Ticket t, CancellationToken ct)
    {
        var ev = await keys.ForEventAsync(t.EventId, ct) ?? throw new InvalidOperationException($"Event {t.EventId} has no ticketing.");
        if (ev.RequireRotatingCodes) return null;
        return new ShownCode(TicketToken.Text(ev.Active.Sign(Claims(t, ev.Active))), false, null);
    }

    /// <summary>What the holder's screen shows now: the rotating code when the event requires it, the static one otherwise.</summary>
    public async Task<ShownCode> DisplayAsync(Ticket t, CancellationToken ct)
    {
        var ev = await keys.ForEventAsync(t.EventId, ct) ?? throw new InvalidOperationException($"Event {t.EventId} has no ticketing.");
        var signed = ev.Active.Sign(Claims(t, ev.Active));
        if (!ev.RequireRotatingCodes) return new ShownCode(TicketToken.Text(signed), false, null);
        var step = DisplayCode.StepAt(clock.GetUtcNow());
        var secret = DisplayCode.TicketSecret(ev.DisplaySecret, t.Id, t.Generation);
        return new ShownCode(TicketToken.Text(DisplayCode.Rotating(signed, secret, step)), true, DisplayCode.StepEnds(step));
    }
}
