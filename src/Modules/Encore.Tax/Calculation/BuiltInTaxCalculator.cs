using Encore.BuildingBlocks;
using Encore.Contracts.Tax;
using Encore.Tax.Rates;

namespace Encore.Tax.Calculation;

/// <summary>
/// Tax from the built-in tables, offline. Place of supply: admission to an event, and the fees
/// that go with it, are taxed where the event takes place (EU VAT Directive arts. 53 and 54(1);
/// US states source admissions to the venue). Virtual attendance sold to consumers is taxed where
/// the buyer lives (art. 54(2)(b) as amended by Directive (EU) 2022/542, from 1 January 2025),
/// at that country's standard rate.
/// </summary>
internal sealed class BuiltInTaxCalculator(JurisdictionTable table) : ITaxCalculator
{
    public Task<TaxQuote> QuoteAsync(TaxQuoteRequest request, CancellationToken cancellationToken)
    {
        TaxRequests.Validate(request);
        var jurisdiction = table.Find(TaxRequests.PlaceOfSupply(request))
            ?? throw new TaxRequestException($"No tax rules for {TaxRequests.PlaceOfSupply(request)}; add it under Encore:Tax:Jurisdictions.");
        var inclusive = request.PricesIncludeTax ?? jurisdiction.PricesIncludeTax;
        var lines = request.Lines.Select(line =>
        {
            // A stream is an electronically supplied service, not admission to a venue: the standard rate.
            var rate = request.Attendance == Attendance.Virtual ? jurisdiction.StandardPpm : jurisdiction.RateFor(line.Kind);
            var (net, tax, gross) = inclusive ? TaxMath.FromGross(line.Amount, rate) : TaxMath.FromNet(line.Amount, rate);
            return new TaxLine(line.Reference, line.Kind, jurisdiction.Code, jurisdiction.TaxName, rate, net, tax, gross);
        }).ToList();
        return Task.FromResult(new TaxQuote(request.Currency, inclusive, lines, "built-in"));
    }
}

internal static class TaxRequests
{
    public const int MaxLines = 200;

    /// <summary>The jurisdiction code whose rules apply: <c>DE</c>, <c>GB</c>, <c>US-TX</c>.</summary>
    public static string PlaceOfSupply(TaxQuoteRequest request)
    {
        var place = request is { Attendance: Attendance.Virtual, BuyerLocation: { } buyer } ? buyer : request.EventLocation;
        var country = place.Country.ToUpperInvariant();
        return country == "US" ? $"US-{place.Region!.ToUpperInvariant()}" : country;
    }

    /// <summary>Refuses what cannot be taxed, before any work (and before any external call).</summary>
    public static void Validate(TaxQuoteRequest? request)
    {
        if (request is null) throw new TaxRequestException("A request is required.");
        if (!Money.IsCurrencyCode(request.Currency)) throw new TaxRequestException("currency must be an ISO 4217 code such as EUR.");
        Address(request.EventLocation, "eventLocation");
        if (request.BuyerLocation is not null) Address(request.BuyerLocation, "buyerLocation");
        if (request.Attendance == Attendance.Virtual && request.BuyerLocation is null)
            throw new TaxRequestException("Virtual attendance is taxed where the buyer lives: buyerLocation is required.");
        if (!Enum.IsDefined(request.Attendance)) throw new TaxRequestException("attendance is InPerson or Virtual.");
        if (request.Lines is not { Count: > 0 and <= MaxLines }) throw new TaxRequestException($"Between 1 and {MaxLines} lines are required.");
        foreach (var line in request.Lines)
        {
            if (line is null) throw new TaxRequestException("A line is missing.");
            if (string.IsNullOrWhiteSpace(line.Reference) || line.Reference.Length > 100) throw new TaxRequestException("Each line needs a reference of at most 100 characters.");
            if (!Enum.IsDefined(line.Kind)) throw new TaxRequestException($"Line {line.Reference}: unknown kind.");
            if (line.Amount is < 0 or > 1_000_000_000_000) throw new TaxRequestException($"Line {line.Reference}: the amount is zero or positive minor units.");
            if (line.Quantity is < 1 or > 100_000) throw new TaxRequestException($"Line {line.Reference}: quantity must be between 1 and 100000.");
        }
    }

    static void Address(TaxAddress? address, string field)
    {
        if (address is null) throw new TaxRequestException($"{field} is required.");
        if (address.Country is not { Length: 2 } || !address.Country.All(char.IsAsciiLetter)) throw new TaxRequestException($"{field}.country must be an ISO 3166-1 alpha-2 code.");
        if (address.Country.Equals("US", StringComparison.OrdinalIgnoreCase) && (address.Region is not { Length: 2 } || !address.Region.All(char.IsAsciiLetter)))
            throw new TaxRequestException($"{field}.region must be the two-letter state code for the US.");
        if (address.Region is { Length: > 3 } || address.PostalCode is { Length: > 20 } || address.City is { Length: > 100 } || address.Line1 is { Length: > 200 })
            throw new TaxRequestException($"{field} has a field that is too long.");
    }
}
