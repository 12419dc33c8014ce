using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Contracts.Catalog;
using Encore.Orders.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Organizer;

internal sealed record SalesDay(DateOnly Date, int Admissions, long GrossMinor);

internal sealed record SalesTier(string Tier, int Admissions, long FaceValueMinor);

/// <summary>
/// An event's sales: gross (what buyers paid), fees, taxes, refunds and net (what the organizer is owed:
/// face value and facility fee, net of tax, less refunds of them), per tier and per day (UTC).
/// </summary>
internal sealed record SalesReportView(
    Guid EventId, string Title, string Currency, int Orders, int Admissions, long GrossMinor, long ServiceFeesMinor, long FacilityFeesMinor,
    long DeliveryFeesMinor, long TaxMinor, long RefundedMinor, long NetMinor, IReadOnlyList<SalesTier> Tiers, IReadOnlyList<SalesDay> Days);

internal static class SalesReport
{
    public static void Map(RouteGroupBuilder organizer) =>
        organizer.MapGet("/events/{eventId:guid}/sales", Get).WithSummary("The event's sales by tier and by day: gross, fees, taxes, net")
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal static async Task<Results<Ok<SalesReportView>, ProblemHttpResult>> Get(
        Guid eventId, ClaimsPrincipal user, ICatalogCheckoutSource catalog, ICatalogInventorySource members, OrdersDbContext db, CancellationToken ct)
    {
        if (await SalesSettingsEndpoints.OwnedEventAsync(eventId, user, catalog, members, ct) is not { } ev) return Problems.NotFound($"No event {eventId} of yours.");
        return TypedResults.Ok(await BuildAsync(db, eventId, ev.Title, ct));
    }

    internal static async Task<SalesReportView> BuildAsync(OrdersDbContext db, Guid eventId, string title, CancellationToken ct)
    {
        var paid = new[] { OrderStatus.Paid, OrderStatus.Fulfilled, OrderStatus.PartiallyRefunded, OrderStatus.Refunded };
        var orders = await db.Orders.AsNoTracking().Include(o => o.Admissions)
            .Where(o => o.EventId == eventId && paid.Contains(o.Status)).ToListAsync(ct);
        var currency = orders.FirstOrDefault()?.Currency ?? "";
        long Net(bool inclusive, long listed, long tax) => inclusive ? listed - tax : listed;
        var admissions = orders.SelectMany(o => o.Admissions.Select(a => (Order: o, Admission: a))).ToList();
        var organizerShare = admissions.Sum(x => Net(x.Order.PricesIncludeTax, x.Admission.FaceValue, x.Admission.FaceTax)
            + Net(x.Order.PricesIncludeTax, x.Admission.FacilityFee, x.Admission.FacilityFeeTax));
        var refundedShare = admissions.Where(x => x.Admission.RefundId is not null)
            .Sum(x => Net(x.Order.PricesIncludeTax, x.Admission.FaceValue, x.Admission.FaceTax) + Net(x.Order.PricesIncludeTax, x.Admission.FacilityFee, x.Admission.FacilityFeeTax));
        return new SalesReportView(
            eventId, title, currency, orders.Count, admissions.Count,
            orders.Sum(o => o.Total), orders.Sum(o => o.ServiceFee), orders.Sum(o => o.FacilityFee), orders.Sum(o => o.DeliveryFee), orders.Sum(o => o.Tax),
            orders.Sum(o => o.RefundedAmount), organizerShare - refundedShare,
            admissions.GroupBy(x => x.Admission.TierName).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SalesTier(g.Key, g.Count(), g.Sum(x => x.Admission.FaceValue))).ToList(),
            orders.GroupBy(o => DateOnly.FromDateTime(o.PaidAt!.Value.UtcDateTime)).OrderBy(g => g.Key)
                .Select(g => new SalesDay(g.Key, g.Sum(o => o.Admissions.Count), g.Sum(o => o.Total))).ToList());
    }
}
