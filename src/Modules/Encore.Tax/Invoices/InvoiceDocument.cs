using System.Text.Json;
using Encore.BuildingBlocks;
using Encore.Contracts.Tax;

namespace Encore.Tax.Invoices;

/// <summary>An invoice as rendered (HTML, PDF, JSON): the stored snapshot with its VAT summary per rate.</summary>
internal sealed record InvoiceDocument(
    Guid Id, string Number, DateTimeOffset IssuedAt, DateOnly? SupplyDate, string Currency,
    InvoiceParty Seller, InvoiceParty Buyer, IReadOnlyList<InvoiceLine> Lines,
    IReadOnlyList<InvoiceDocument.RateTotal> TaxSummary, long TotalNet, long TotalTax, long TotalGross)
{
    public sealed record RateTotal(string TaxName, int RatePpm, long Net, long Tax);

    public static InvoiceDocument From(Invoice i)
    {
        var lines = JsonSerializer.Deserialize<List<InvoiceLine>>(i.Lines, JsonSerializerOptions.Web)!;
        return new InvoiceDocument(i.Id, i.Number, i.IssuedAt, i.SupplyDate, i.Currency,
            JsonSerializer.Deserialize<InvoiceParty>(i.Seller, JsonSerializerOptions.Web)!,
            JsonSerializer.Deserialize<InvoiceParty>(i.Buyer, JsonSerializerOptions.Web)!,
            lines,
            lines.GroupBy(l => (l.TaxName, l.RatePpm)).OrderByDescending(g => g.Key.RatePpm)
                .Select(g => new RateTotal(g.Key.TaxName, g.Key.RatePpm, g.Sum(l => l.Net), g.Sum(l => l.Tax))).ToList(),
            i.TotalNet, i.TotalTax, i.TotalGross);
    }

    public string Amount(long minor) => new Money(minor, Currency).ToString();

    /// <summary>190000 → "19%", 255000 → "25.5%", 66250 → "6.625%".</summary>
    public static string Rate(int ppm) => (ppm / 10_000m).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
