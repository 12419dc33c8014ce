using Encore.Contracts.Tax;
using Encore.Tax.Calculation;
using Encore.Tax.Rates;
using Microsoft.Extensions.Configuration;

namespace Encore.Tests.Tax;

public sealed class TaxTableTests
{
    static readonly TaxAddress Berlin = new("DE", City: "Berlin");
    static readonly Guid Seller = Guid.NewGuid();

    static BuiltInTaxCalculator Calculator(params (string Key, string Value)[] settings) =>
        new(JurisdictionTable.Load(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build()));

    static TaxLineRequest[] Basket(long admission, long service, long facility = 0, long delivery = 0) =>
    [
        new("ticket", TaxLineKind.Admission, admission, 2),
        new("service", TaxLineKind.ServiceFee, service),
        new("facility", TaxLineKind.FacilityFee, facility),
        new("delivery", TaxLineKind.DeliveryFee, delivery),
    ];

    [Theory]
    [InlineData(500, 1_000, 1)]          // 0.5 → 1 (half-up)
    [InlineData(499, 1_000, 0)]          // 0.499 → 0
    [InlineData(8, 62_500, 1)]           // 6.25% of 8 = 0.5 → 1
    [InlineData(7, 62_500, 0)]           // 0.4375 → 0
    [InlineData(4_999, 62_500, 312)]     // 312.4375 → 312
    [InlineData(1_000_000_000_000, 250_000, 250_000_000_000)]
    public void Exclusive_tax_rounds_half_up_per_line(long net, int ratePpm, long expectedTax)
    {
        var (n, tax, gross) = TaxMath.FromNet(net, ratePpm);
        Assert.Equal(expectedTax, tax);
        Assert.Equal(net + tax, gross);
        Assert.Equal(net, n);
    }

    [Theory]
    [InlineData(5_000, 70_000, 4_673, 327)]    // 5000 / 1.07 = 4672.897… → 4673
    [InlineData(500, 190_000, 420, 80)]        // 420.168… → 420
    [InlineData(4_000, 55_000, 3_791, 209)]    // 3791.469… → 3791
    [InlineData(107, 70_000, 100, 7)]          // exact
    [InlineData(1, 55_000, 1, 0)]              // 0.947… → 1: one cent carries no tax
    [InlineData(21, 50_000, 20, 1)]            // 20 exactly: 1.05 × 20 = 21
    public void Inclusive_prices_keep_gross_and_split_it_exactly(long gross, int ratePpm, long expectedNet, long expectedTax)
    {
        var (net, tax, g) = TaxMath.FromGross(gross, ratePpm);
        Assert.Equal((expectedNet, expectedTax, gross), (net, tax, g));
        Assert.Equal(gross, net + tax);
    }

    [Fact]
    public void Every_EU_country_and_the_UK_has_a_row_and_the_rates_parse_exactly()
    {
        var table = JurisdictionTable.Load(new ConfigurationBuilder().Build());
        string[] eu = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB"];
        foreach (var code in eu)
        {
            var row = table.Find(code);
            Assert.True(row is not null, $"no row for {code}");
            Assert.True(row!.PricesIncludeTax, $"{code} consumer prices include VAT");
            Assert.InRange(row.StandardPpm, 170_000, 270_000);
            Assert.True(row.AdmissionPpm <= row.StandardPpm);
        }
        Assert.Equal(255_000, table.Find("FI")!.StandardPpm);
        Assert.Equal(66_250, table.Find("US-NJ")!.StandardPpm);
        Assert.Equal(2025, int.Parse(table.AsOf[..4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(70_000, JurisdictionTable.Ppm("7", "t"));
        Assert.Throws<InvalidOperationException>(() => JurisdictionTable.Ppm("7.00001", "t"));
        Assert.Throws<InvalidOperationException>(() => JurisdictionTable.Ppm("101", "t"));
    }

    [Fact]
    public async Task A_concert_in_Germany_is_taxed_at_7_percent_admission_and_19_percent_fees_inside_the_price()
    {
        var quote = await Calculator().QuoteAsync(new TaxQuoteRequest(Seller, "EUR", Berlin, new TaxAddress("FR"), Basket(10_000, 500, 200, 300)), default);

        Assert.True(quote.PricesIncludeTax);
        Assert.All(quote.Lines, l => Assert.Equal("DE", l.Jurisdiction));
        var byRef = quote.Lines.ToDictionary(l => l.Reference);
        Assert.Equal((70_000, 9_346L, 654L, 10_000L), (byRef["ticket"].RatePpm, byRef["ticket"].Net, byRef["ticket"].Tax, byRef["ticket"].Gross));
        Assert.Equal((190_000, 420L, 80L), (byRef["service"].RatePpm, byRef["service"].Net, byRef["service"].Tax));
        Assert.Equal(70_000, byRef["facility"].RatePpm);
        Assert.Equal(190_000, byRef["delivery"].RatePpm);
        Assert.Equal(11_000, quote.TotalGross);
    }

    [Theory]
    [InlineData("FR", 55_000, 200_000)]
    [InlineData("NL", 90_000, 210_000)]
    [InlineData("GB", 200_000, 200_000)]
    [InlineData("FI", 140_000, 255_000)]
    [InlineData("LU", 30_000, 170_000)]
    public async Task Each_country_applies_its_own_admission_and_fee_rates(string country, int admission, int fees)
    {
        var quote = await Calculator().QuoteAsync(new TaxQuoteRequest(Seller, "EUR", new TaxAddress(country), null, Basket(5_000, 500)), default);
        Assert.Equal(admission, quote.Lines[0].RatePpm);
        Assert.Equal(fees, quote.Lines[1].RatePpm);
        Assert.All(quote.Lines, l => Assert.Equal(l.Gross, l.Net + l.Tax));
    }

    [Theory]
    [InlineData("TX", 62_500, 62_500, 313, 31)]  // 5000 × 6.25% = 312.5 → 313
    [InlineData("FL", 60_000, 60_000, 300, 30)]
    [InlineData("NY", 0, 0, 0, 0)]                // musical arts performances are exempt
    [InlineData("CA", 0, 0, 0, 0)]
    public async Task US_states_add_sales_tax_on_top_by_their_rules_for_admissions_and_fees(string state, int admissionRate, int feeRate, long admissionTax, long feeTax)
    {
        var quote = await Calculator().QuoteAsync(new TaxQuoteRequest(Seller, "USD", new TaxAddress("US", state), new TaxAddress("US", "CA"), Basket(5_000, 500)), default);
        Assert.False(quote.PricesIncludeTax);
        Assert.Equal($"US-{state}", quote.Lines[0].Jurisdiction);
        Assert.Equal((admissionRate, admissionTax, 5_000 + admissionTax), (quote.Lines[0].RatePpm, quote.Lines[0].Tax, quote.Lines[0].Gross));
        Assert.Equal((feeRate, feeTax), (quote.Lines[1].RatePpm, quote.Lines[1].Tax));
        Assert.Equal("Sales tax", quote.Lines[0].TaxName);
    }

    [Fact]
    public async Task A_stream_is_taxed_where_the_buyer_lives_at_the_standard_rate()
    {
        var quote = await Calculator().QuoteAsync(new TaxQuoteRequest(Seller, "EUR", Berlin, new TaxAddress("SE"), Basket(1_000, 100), Attendance.Virtual), default);
        Assert.All(quote.Lines, l => Assert.Equal(("SE", 250_000), (l.Jurisdiction, l.RatePpm)));
        await Assert.ThrowsAsync<TaxRequestException>(() => Calculator().QuoteAsync(new TaxQuoteRequest(Seller, "EUR", Berlin, null, Basket(1, 1), Attendance.Virtual), default));
    }

    [Fact]
    public async Task Configuration_changes_a_rate_or_adds_a_jurisdiction_and_unknown_places_are_refused()
    {
        var swiss = new TaxQuoteRequest(Seller, "CHF", new TaxAddress("CH"), null, Basket(8_100, 0));
        await Assert.ThrowsAsync<TaxRequestException>(() => Calculator().QuoteAsync(swiss, default));
        await Assert.ThrowsAsync<TaxRequestException>(() => Calculator().QuoteAsync(swiss with { EventLocation = new TaxAddress("US") }, default));

        var configured = Calculator(("Encore:Tax:Jurisdictions:CH:Standard", "8.1"), ("Encore:Tax:Jurisdictions:CH:Admission", "2.6"),
            ("Encore:Tax:Jurisdictions:CH:PricesIncludeTax", "true"), ("Encore:Tax:Jurisdictions:DE:Admission", "19"));
        var quote = await configured.QuoteAsync(swiss, default);
        Assert.Equal((26_000, 7_895L, 205L), (quote.Lines[0].RatePpm, quote.Lines[0].Net, quote.Lines[0].Tax));
        Assert.Equal(190_000, (await configured.QuoteAsync(swiss with { EventLocation = Berlin, Currency = "EUR" }, default)).Lines[0].RatePpm);
        // Exclusive pricing can be forced, for a business buyer's net price list say.
        var net = await Calculator().QuoteAsync(new TaxQuoteRequest(Seller, "EUR", Berlin, null, Basket(10_000, 0), PricesIncludeTax: false), default);
        Assert.Equal((10_000L, 700L, 10_700L), (net.Lines[0].Net, net.Lines[0].Tax, net.Lines[0].Gross));
    }
}
