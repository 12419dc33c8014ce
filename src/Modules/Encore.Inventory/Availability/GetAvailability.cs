using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Encore.Inventory.Holds;
using Encore.Inventory.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Inventory.Availability;

/// <summary>
/// What is free right now, for drawing the seat map and the text list over the catalog's seat map.
/// Only seats that are not available are listed, so the answer stays small on a big venue; it
/// carries an ETag and may be cached for a couple of seconds.
/// </summary>
internal static class GetAvailability
{
    /// <param name="Held">Seats in a buyer's live hold.</param>
    /// <param name="Blocked">Seats an organizer keeps in a pool (artist, box office, accessibility).</param>
    /// <param name="NotForSale">Seats no ticket tier sells.</param>
    internal sealed record SeatAvailability(int Total, int Available, IReadOnlyList<Guid> Held, IReadOnlyList<Guid> Blocked, IReadOnlyList<Guid> NotForSale);

    internal sealed record StandingAvailability(string Section, string Name, int Capacity, int Remaining, long? PriceMinor);

    internal sealed record SectionPrice(string Section, long PriceMinor);

    /// <param name="AsOf">When the hold store was read (ms since the epoch): live changes with an older version are already included.</param>
    internal sealed record AvailabilityView(
        Guid PerformanceId, bool OnSale, string Currency, int BuyerLimit, int HoldMinutes,
        SeatAvailability Seats, IReadOnlyList<SectionPrice> Prices, IReadOnlyList<StandingAvailability> GeneralAdmission, long AsOf);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/performances/{performanceId:guid}/availability", Handle).AllowAnonymous()
            .WithTags("Inventory")
            .WithSummary("Seat states and standing places left for a performance")
            .WithDescription("Lists the seats that are held, blocked or not for sale (every other seat is available) and the places left per standing area. " +
                "Cacheable for 2 s; honours If-None-Match (the ETag ignores asOf). Live changes: GET …/availability/live.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

    static async Task<Results<Ok<AvailabilityView>, StatusCodeHttpResult, ProblemHttpResult>> Handle(
        Guid performanceId, HoldService holds, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await holds.LayoutAsync(performanceId, ct) is not { } layout)
            return InventoryProblems.NotFound($"No performance {performanceId} on sale.");
        var (view, etag) = await ReadAsync(layout, holds, clock, ct);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=2";
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(view);
    }

    /// <summary>The availability and its ETag, for the endpoint and for pages that render it.</summary>
    internal static async Task<(AvailabilityView View, string ETag)> ReadAsync(PerformanceLayout layout, HoldService holds, TimeProvider clock, CancellationToken ct)
    {
        var asOf = clock.GetUtcNow();
        var claims = await holds.SnapshotAsync(layout, ct);

        var held = new List<Guid>();
        var blocked = new List<Guid>();
        var notForSale = new List<Guid>();
        foreach (var seat in layout.Seats.Values.OrderBy(s => s.Id))
        {
            if (!seat.Sellable) notForSale.Add(seat.Id);
            else if (claims.PoolSeats.ContainsKey(seat.Id)) blocked.Add(seat.Id);
            else if (claims.HeldSeats.Contains(seat.Id)) held.Add(seat.Id);
        }
        var seats = new SeatAvailability(layout.Seats.Count, layout.Seats.Count - held.Count - blocked.Count - notForSale.Count, held, blocked, notForSale);
        var standing = layout.Standing.Values.OrderBy(s => s.Section, StringComparer.Ordinal)
            .Select(s => new StandingAvailability(s.Section, s.Name, s.Capacity,
                s.PriceMinor is null ? 0 : Math.Max(0, s.Capacity - claims.StandingHeld.GetValueOrDefault(s.Section)), s.PriceMinor))
            .ToList();
        var prices = layout.Seats.Values.Where(s => s.Sellable).GroupBy(s => s.Section)
            .Select(g => new SectionPrice(g.Key, g.Min(s => s.PriceMinor!.Value)))
            .OrderBy(p => p.Section, StringComparer.Ordinal).ToList();
        var view = new AvailabilityView(layout.PerformanceId, layout.NotOnSale(asOf) is null, layout.Currency, layout.BuyerLimit,
            (int)layout.HoldTtl.TotalMinutes, seats, prices, standing, asOf.ToUnixTimeMilliseconds());

        // Read before the snapshot, asOf never claims more than the snapshot shows; it is left out of
        // the ETag so an unchanged availability still answers 304.
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(view with { AsOf = 0 }, JsonSerializerOptions.Web))))[..32] + "\"";
        return (view, etag);
    }
}
