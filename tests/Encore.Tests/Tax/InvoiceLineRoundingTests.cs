using Encore.Contracts.Tax;
using Encore.Tax.Calculation;
using Encore.Tax.Invoices;

namespace Encore.Tests.Tax;

/// <summary>
/// The flash-sale simulator found paid orders of two tickets whose invoice was refused ("tax 3668 does
/// not match net 18332 at 200000 ppm"): each ticket's tax comes from its tax-inclusive price, so a line
/// of n tickets carries n roundings, not one.
/// </summary>
public sealed class InvoiceLineRoundingTests
{
    static InvoiceRequest Request(InvoiceLine line) => new(Guid.NewGuid(), "order:rounding",
        new InvoiceParty("Seller Ltd", "1 Road\nLondon", "GB"), new InvoiceParty("Buyer", "buyer@example.test", "GB"), "GBP", [line]);

    [Fact]
    public void The_simulators_two_ticket_line_is_accepted()
    {
        InvoiceIssuer.Validate(Request(new InvoiceLine("Admission: Seated", 2, 18_332, 200_000, 3_668)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(55_000)]
    [InlineData(70_000)]
    [InlineData(200_000)]
    [InlineData(250_000)]
    public void Every_line_of_n_tax_inclusive_unit_prices_is_accepted(int ratePpm)
    {
        for (var gross = 1L; gross <= 3_000; gross++)
        {
            var (net, tax, _) = TaxMath.FromGross(gross, ratePpm);
            for (var n = 1; n <= 8; n++)
                InvoiceIssuer.Validate(Request(new InvoiceLine("Admission", n, net * n, ratePpm, tax * n)));
        }
    }

    [Fact]
    public void A_tax_off_by_more_than_one_minor_unit_per_unit_is_refused()
    {
        var expected = TaxMath.FromNet(18_332, 200_000).Tax; // 3666
        InvoiceIssuer.Validate(Request(new InvoiceLine("Admission", 2, 18_332, 200_000, expected + 2)));
        var refused = Assert.Throws<InvoiceRequestException>(() => InvoiceIssuer.Validate(Request(new InvoiceLine("Admission", 2, 18_332, 200_000, expected + 3))));
        Assert.Contains("does not match", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvoiceRequestException>(() => InvoiceIssuer.Validate(Request(new InvoiceLine("Admission", 1, 9_166, 200_000, 1_833 + 2))));
    }
}
