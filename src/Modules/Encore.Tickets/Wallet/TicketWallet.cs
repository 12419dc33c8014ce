using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Wallet;

/// <summary>A ticket with what its holder needs to read on it.</summary>
internal sealed record WalletTicket(Ticket Ticket, TicketPerformance? Performance, bool RequireRotatingCodes)
{
    public string Title => Performance?.EventTitle ?? "Your event";

    public string Where => Performance is null ? "" : $"{Performance.VenueName}, {Performance.VenueCity}";

    /// <summary>The performance's start in the venue's own time, as printed.</summary>
    public string When => Performance is null ? "" : Local(Performance.StartsAt, Performance.TimeZone).ToString("dddd d MMMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string Doors => Performance is null ? "" : Local(Performance.DoorsAt, Performance.TimeZone).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string State => Ticket.Status == TicketStatus.Voided ? "Refunded"
        : Ticket.CheckedInAt is not null ? "Used"
        : "Valid";

    static DateTime Local(DateTimeOffset at, string zone)
    {
        try { return TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime; }
        catch (TimeZoneNotFoundException) { return at.UtcDateTime; }
    }
}

/// <summary>The holder's tickets, for the API and the account pages.</summary>
internal sealed class TicketWallet(TicketsDbContext db)
{
    public async Task<List<WalletTicket>> ForHolderAsync(Guid holderId, CancellationToken ct)
    {
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.HolderId == holderId).ToListAsync(ct);
        return await DescribeAsync(tickets, ct);
    }

    public async Task<WalletTicket?> FindAsync(Guid holderId, Guid ticketId, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == ticketId && t.HolderId == holderId, ct);
        return ticket is null ? null : (await DescribeAsync([ticket], ct)).Single();
    }

    public async Task<List<WalletTicket>> ByIdsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var tickets = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).ToListAsync(ct);
        return await DescribeAsync(tickets, ct);
    }

    async Task<List<WalletTicket>> DescribeAsync(List<Ticket> tickets, CancellationToken ct)
    {
        var performanceIds = tickets.Select(t => t.PerformanceId).Distinct().ToList();
        var eventIds = tickets.Select(t => t.EventId).Distinct().ToList();
        var performances = await db.Performances.AsNoTracking().Where(p => performanceIds.Contains(p.PerformanceId)).ToDictionaryAsync(p => p.PerformanceId, ct);
        var rotating = await db.Events.AsNoTracking().Where(e => eventIds.Contains(e.EventId) && e.RequireRotatingCodes).Select(e => e.EventId).ToListAsync(ct);
        return tickets
            .Select(t => new WalletTicket(t, performances.GetValueOrDefault(t.PerformanceId), rotating.Contains(t.EventId)))
            .OrderBy(w => w.Performance?.StartsAt ?? DateTimeOffset.MaxValue)
            .ThenBy(w => w.Ticket.SectionCode).ThenBy(w => w.Ticket.RowLabel).ThenBy(w => w.Ticket.SeatLabel).ThenBy(w => w.Ticket.Id)
            .ToList();
    }
}
