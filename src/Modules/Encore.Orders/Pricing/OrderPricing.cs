using System.Globalization;
using Encore.Contracts.MoneyFlow;
using Encore.Contracts.Tax;
using Encore.Orders.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Pricing;

/// <summary>Fees of one event: a service fee (percentage of face value plus a fixed part) and a facility fee per admission, a delivery fee per order.</summary>
internal sealed record FeeSchedule(int ServicePercentBasisPoints, long ServiceFixedMinor, long FacilityFixedMinor, long DeliveryFixedMinor)
{
    /// <summary>Half a minor unit goes up, as the tax arithmetic does.</summary>
    public long ServiceFeeFor(long faceValue) =>
        checked((faceValue * ServicePercentBasisPoints + 5_000) / 10_000 + ServiceFixedMinor);
}

/// <summary>One admission to price, at its listed face value.</summary>
internal sealed record PricingItem(string Reference, long FaceValue);

internal sealed record PricingRequest(Guid SellerId, string Currency, TaxAddress EventLocation, FeeSchedule Fees, IReadOnlyList<PricingItem> Items, DateOnly Date);

/// <summary>
/// One admission priced. Listed amounts are what the organizer set (gross where prices include tax,
/// net where tax is added); <see cref="Total"/> is what the buyer pays for it, all in.
/// </summary>
internal sealed record PricedAdmission(
    string Reference, long FaceValue, long ServiceFee, long FacilityFee, long FaceTax, long ServiceFeeTax, long FacilityFeeTax, string Jurisdiction,
    int FaceRatePpm = 0, int ServiceFeeRatePpm = 0, int FacilityFeeRatePpm = 0)
{
    public long Tax => FaceTax + ServiceFeeTax + FacilityFeeTax;
    public long Total(bool pricesIncludeTax) => FaceValue + ServiceFee + FacilityFee + (pricesIncludeTax ? 0 : Tax);
}

/// <summary>
/// The whole price of an order as shown before payment and charged after: every component in
/// integer minor units. <see cref="Total"/> is the sum of the tax service's gross lines, so what
/// the page shows, what is authorized and what the ledger posts are one number.
/// </summary>
internal sealed record PriceBreakdown(
    string Currency, bool PricesIncludeTax, string TaxLabel, IReadOnlyList<PricedAdmission> Admissions,
    long DeliveryFee, long DeliveryFeeTax, string DeliveryTaxJurisdiction, long Total, string TaxName = "Tax", int DeliveryRatePpm = 0)
{
    public long FaceValue => Admissions.Sum(a => a.FaceValue);
    public long ServiceFee => Admissions.Sum(a => a.ServiceFee);
    public long FacilityFee => Admissions.Sum(a => a.FacilityFee);
    public long Tax => Admissions.Sum(a => a.Tax) + DeliveryFeeTax;
    /// <summary>What the page lists line by line; added up it is <see cref="Total"/> (tax is a line of its own only where it is added).</summary>
    public long ListedSum => FaceValue + ServiceFee + FacilityFee + DeliveryFee + (PricesIncludeTax ? 0 : Tax);
}

/// <summary>
/// The one place prices are computed: the event page's "from … incl. fees", the checkout's itemized
/// breakdown and the amount authorized all come from here, with tax from the Tax module.
/// </summary>
internal sealed class OrderPricing(OrdersDbContext db, ITaxCalculator tax, OrdersOptions options)
{
    public async Task<FeeSchedule> FeesForAsync(Guid eventId, CancellationToken ct)
    {
        var settings = await db.SalesSettings.AsNoTracking().SingleOrDefaultAsync(s => s.EventId == eventId, ct);
        return settings is { CustomFees: true }
            ? new FeeSchedule(settings.ServicePercentBasisPoints, settings.ServiceFixedMinor, settings.FacilityFixedMinor, settings.DeliveryFixedMinor)
            : Defaults;
    }

    public FeeSchedule Defaults => new(options.Fees.ServicePercentBasisPoints, options.Fees.ServiceFixedMinor, options.Fees.FacilityFixedMinor, options.Fees.DeliveryFixedMinor);

    /// <summary>Prices the admissions; throws <see cref="TaxRequestException"/> or <see cref="TaxUnavailableException"/> from the tax service.</summary>
    public async Task<PriceBreakdown> PriceAsync(PricingRequest request, CancellationToken ct)
    {
        if (request.Items.Count == 0) throw new ArgumentException("Nothing to price.", nameof(request));
        var lines = new List<TaxLineRequest>(request.Items.Count * 3 + 1);
        foreach (var item in request.Items)
        {
            lines.Add(new TaxLineRequest(item.Reference + ":face", TaxLineKind.Admission, item.FaceValue));
            lines.Add(new TaxLineRequest(item.Reference + ":service", TaxLineKind.ServiceFee, request.Fees.ServiceFeeFor(item.FaceValue)));
            lines.Add(new TaxLineRequest(item.Reference + ":facility", TaxLineKind.FacilityFee, request.Fees.FacilityFixedMinor));
        }
        lines.Add(new TaxLineRequest("delivery", TaxLineKind.DeliveryFee, request.Fees.DeliveryFixedMinor));

        var quote = await tax.QuoteAsync(new TaxQuoteRequest(request.SellerId, request.Currency, request.EventLocation, null, lines, Date: request.Date), ct);
        var byReference = quote.Lines.ToDictionary(l => l.Reference);
        var inclusive = quote.PricesIncludeTax;
        var admissions = request.Items.Select(item =>
        {
            var face = byReference[item.Reference + ":face"];
            var service = byReference[item.Reference + ":service"];
            var facility = byReference[item.Reference + ":facility"];
            return new PricedAdmission(item.Reference, Listed(face, inclusive), Listed(service, inclusive), Listed(facility, inclusive),
                face.Tax, service.Tax, facility.Tax, face.Jurisdiction, face.RatePpm, service.RatePpm, facility.RatePpm);
        }).ToList();
        var delivery = byReference["delivery"];
        var rates = quote.Lines.Where(l => l.Gross > 0).Select(l => (l.TaxName, l.RatePpm)).Distinct().ToList();
        var label = rates.Count == 1 ? $"{rates[0].TaxName} {Percent(rates[0].RatePpm)}" : rates.Select(r => r.TaxName).FirstOrDefault() ?? "Tax";
        return new PriceBreakdown(request.Currency, inclusive, label, admissions, Listed(delivery, inclusive), delivery.Tax, delivery.Jurisdiction,
            quote.TotalGross, quote.Lines[0].TaxName, delivery.RatePpm);
    }

    /// <summary>
    /// What one ticket at <paramref name="faceValue"/> costs all in (fees, tax and the per-order delivery
    /// fee): the event pages' "from … incl. fees". Null when tax cannot be computed for the place.
    /// </summary>
    public async Task<long?> AllInFromAsync(Guid eventId, Guid sellerId, string currency, long faceValue, TaxAddress eventLocation, DateOnly date, CancellationToken ct)
    {
        try
        {
            var price = await PriceAsync(new PricingRequest(sellerId, currency, eventLocation, await FeesForAsync(eventId, ct), [new PricingItem("from", faceValue)], date), ct);
            return price.Total;
        }
        catch (Exception e) when (e is TaxRequestException or TaxUnavailableException)
        {
            return null;
        }
    }

    static long Listed(TaxLine line, bool inclusive) => inclusive ? line.Gross : line.Net;

    static string Percent(int ppm) => (ppm / 10_000m).ToString("0.###", CultureInfo.InvariantCulture) + "%";

    /// <summary>The ledger's view of an amount: net parts and tax per jurisdiction, adding up to the gross total.</summary>
    public static MoneyBreakdown ToMoney(bool inclusive, IEnumerable<PricedAdmission> admissions, long deliveryFee, long deliveryTax, string deliveryJurisdiction)
    {
        var list = admissions.ToList();
        long Net(long listed, long taxed) => inclusive ? listed - taxed : listed;
        var taxes = list.Select(a => (a.Jurisdiction, a.Tax))
            .Append((deliveryJurisdiction, deliveryTax))
            .Where(t => t.Item2 > 0)
            .GroupBy(t => t.Item1)
            .Select(g => new TaxPortion(g.Key, g.Sum(t => t.Item2)))
            .OrderBy(t => t.Jurisdiction, StringComparer.Ordinal)
            .ToList();
        return new MoneyBreakdown(
            list.Sum(a => Net(a.FaceValue, a.FaceTax)),
            list.Sum(a => Net(a.ServiceFee, a.ServiceFeeTax)),
            list.Sum(a => Net(a.FacilityFee, a.FacilityFeeTax)),
            Net(deliveryFee, deliveryTax),
            taxes);
    }
}
