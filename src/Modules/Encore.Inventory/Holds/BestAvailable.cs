namespace Encore.Inventory.Holds;

/// <summary>
/// Picks n adjacent seats in one row for a buyer who does not choose: the best seats within the
/// price limit, never leaving a single free seat stranded beside the block (nobody buys one seat
/// squeezed between two groups, so it would go unsold). Wheelchair spaces and companion seats are
/// kept for those who ask for them; an accessible request gets a wheelchair space with a companion
/// seat beside it.
/// </summary>
internal static class BestAvailable
{
    internal sealed record Criteria(int Quantity, long? MaxPriceMinor, bool Accessible);

    /// <summary>The chosen seat ids, or null when no block fits.</summary>
    public static IReadOnlyList<Guid>? Pick(PerformanceLayout layout, ClaimSnapshot claims, Criteria criteria)
    {
        (IReadOnlyList<LayoutSeat> Block, (long, int, int, double) Rank)? best = null;
        foreach (var row in layout.Rows)
            foreach (var run in FreeRuns(row, claims))
                for (var start = 0; start + criteria.Quantity <= run.Count; start++)
                {
                    var left = start;
                    var right = run.Count - start - criteria.Quantity;
                    if (left == 1 || right == 1) continue;
                    var block = run.Skip(start).Take(criteria.Quantity).ToList();
                    if (!Fits(block, criteria)) continue;
                    var rank = Rank(row, block);
                    if (best is null || Better(rank, best.Value.Rank)) best = (block, rank);
                }
        return best?.Block.Select(s => s.Id).ToList();
    }

    /// <summary>Maximal stretches of free, sellable, physically adjacent seats; two aisle seats side by side face each other across an aisle.</summary>
    static IEnumerable<List<LayoutSeat>> FreeRuns(LayoutRow row, ClaimSnapshot claims)
    {
        var run = new List<LayoutSeat>();
        LayoutSeat? previous = null;
        foreach (var seat in row.Seats)
        {
            var free = seat.Sellable && !claims.IsClaimed(seat.Id);
            var acrossAisle = previous is not null && previous.Aisle && seat.Aisle;
            if (!free || acrossAisle)
            {
                if (run.Count > 0) yield return run;
                run = [];
            }
            if (free) run.Add(seat);
            previous = seat;
        }
        if (run.Count > 0) yield return run;
    }

    static bool Fits(List<LayoutSeat> block, Criteria criteria)
    {
        if (criteria.MaxPriceMinor is { } max && block.Any(s => s.PriceMinor > max)) return false;
        if (!criteria.Accessible) return !block.Any(s => s.Wheelchair || s.Companion);
        return block.Any(s => s.Wheelchair) && (block.Count == 1 || block.Any(s => s.Companion));
    }

    /// <summary>Dearer (better) seats first, then clear views, then nearer the stage, then nearer the middle of the row.</summary>
    static (long, int, int, double) Rank(LayoutRow row, List<LayoutSeat> block)
    {
        var middle = (row.Seats[0].Order + row.Seats[^1].Order) / 2.0;
        var centre = (block[0].Order + block[^1].Order) / 2.0;
        return (block.Min(s => s.PriceMinor ?? 0), block.Count(s => s.RestrictedView), row.RowOrder, Math.Abs(centre - middle));
    }

    static bool Better((long Price, int Restricted, int Row, double Off) a, (long Price, int Restricted, int Row, double Off) b) =>
        a.Price != b.Price ? a.Price > b.Price
        : a.Restricted != b.Restricted ? a.Restricted < b.Restricted
        : a.Row != b.Row ? a.Row < b.Row
        : a.Off < b.Off;
}
