using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Issuance;

/// <summary>
/// Gives a ticket a new generation (and optionally a new holder): every code of the old generation
/// stops admitting, and the rotating display secret changes with it. Resale and transfer call this
/// inside their own ownership change; it is one conditional UPDATE, so two reissues of one
/// generation cannot both win.
/// </summary>
internal static class Reissue
{
    /// <summary>The new generation, or null when the ticket is void, admitted already, not at <paramref name="expectedGeneration"/>, or at the limit.</summary>
    public static async Task<int?> ReissueAsync(TicketsDbContext db, Guid ticketId, int expectedGeneration, Guid? newHolderId, string? newHolderName, CancellationToken ct)
    {
        var changed = await db.Tickets
            .Where(t => t.Id == ticketId && t.Generation == expectedGeneration && t.Status == TicketStatus.Valid
                && t.CheckedInAt == null && t.Generation < Ticket.MaxGeneration)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Generation, t => t.Generation + 1)
                .SetProperty(t => t.HolderId, t => newHolderId ?? t.HolderId)
                .SetProperty(t => t.HolderName, t => newHolderName ?? t.HolderName), ct);
        return changed == 1 ? expectedGeneration + 1 : null;
    }
}
