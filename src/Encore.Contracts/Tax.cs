namespace Encore.Contracts.Tax;

/// <summary>
/// Computes the tax on an order's lines while the buyer waits (the pricing component of Orders
/// calls it for every price it shows). The built-in tables answer offline; an AvaTax adapter is
/// chosen by configuration.
/// </summary>
public interface ITaxCalculator
{
    /// <summary>The tax of every line; throws <see cref="TaxUnavailableException"/> when an external service cannot answer.</summary>
    Task<TaxQuote> QuoteAsync(TaxQuoteRequest request, CancellationToken cancellationToken);
}

/// <summary>What a line charges for; each kind can be taxed differently.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<TaxLineKind>))]
public enum TaxLineKind
{
    /// <summary>Admission: the ticket's face value.</summary>
    Admission,
    /// <summary>The platform's service (booking) fee.</summary>
    ServiceFee,
    /// <summary>The venue's facility fee, part of the admission price.</summary>
    FacilityFee,
    /// <summary>Delivery of tickets.</summary>
    DeliveryFee,
}

/// <summary>How the buyer attends: it decides the place of supply under EU VAT from 2025.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<Attendance>))]
public enum Attendance
{
    /// <summary>At the venue: taxed where the event takes place.</summary>
    InPerson,
    /// <summary>Streamed: for consumers taxed where the buyer lives (Directive (EU) 2022/542, from 1 January 2025).</summary>
    Virtual,
}

/// <summary>A place, as precise as tax needs it.</summary>
/// <param name="Country">ISO 3166-1 alpha-2, such as <c>DE</c> or <c>US</c>.</param>
/// <param name="Region">ISO 3166-2 subdivision without the country (<c>TX</c> for Texas); required for the US.</param>
/// <param name="PostalCode">Optional; external services use it for local rates.</param>
/// <param name="City">Optional.</param>
/// <param name="Line1">Optional street line.</param>
public sealed record TaxAddress(string Country, string? Region = null, string? PostalCode = null, string? City = null, string? Line1 = null);

/// <summary>One priced line.</summary>
/// <param name="Reference">The caller's line id, echoed back.</param>
/// <param name="Kind">What the line charges for.</param>
/// <param name="Amount">Minor units for the whole line (unit price × quantity), zero or positive: gross when prices include tax, net otherwise.</param>
/// <param name="Quantity">How many units the amount covers.</param>
public sealed record TaxLineRequest(string Reference, TaxLineKind Kind, long Amount, int Quantity = 1);

/// <summary>A request for tax.</summary>
/// <param name="SellerId">Who sells (the organizer for primary sales).</param>
/// <param name="Currency">ISO 4217 code of every amount.</param>
/// <param name="EventLocation">Where the event takes place.</param>
/// <param name="BuyerLocation">Where the buyer lives or is billed; null when unknown.</param>
/// <param name="Lines">The lines to tax.</param>
/// <param name="Attendance">In person (the default) or virtual.</param>
/// <param name="PricesIncludeTax">Whether the amounts include tax; null to follow the jurisdiction (EU/UK yes, US no).</param>
/// <param name="Date">The tax point (the order's date); rates are those in force then.</param>
public sealed record TaxQuoteRequest(
    Guid SellerId, string Currency, TaxAddress EventLocation, TaxAddress? BuyerLocation,
    IReadOnlyList<TaxLineRequest> Lines, Attendance Attendance = Attendance.InPerson,
    bool? PricesIncludeTax = null, DateOnly? Date = null);

/// <summary>The tax of one line. Net + Tax = Gross exactly.</summary>
/// <param name="Reference">The caller's line id.</param>
/// <param name="Kind">What the line charges for.</param>
/// <param name="Jurisdiction">Where the tax is owed, such as <c>DE</c> or <c>US-TX</c>.</param>
/// <param name="TaxName">The tax's name for invoices, such as <c>VAT</c> or <c>Sales tax</c>.</param>
/// <param name="RatePpm">The rate in parts per million (19% = 190000).</param>
/// <param name="Net">Minor units before tax.</param>
/// <param name="Tax">Minor units of tax.</param>
/// <param name="Gross">Minor units with tax.</param>
public sealed record TaxLine(string Reference, TaxLineKind Kind, string Jurisdiction, string TaxName, int RatePpm, long Net, long Tax, long Gross);

/// <summary>The tax of a request.</summary>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="PricesIncludeTax">Whether the request's amounts were gross.</param>
/// <param name="Lines">One per request line, same order.</param>
/// <param name="Provider">Who computed it: <c>built-in</c> or <c>avatax</c>.</param>
public sealed record TaxQuote(string Currency, bool PricesIncludeTax, IReadOnlyList<TaxLine> Lines, string Provider)
{
    /// <summary>The sum of the lines' tax.</summary>
    public long TotalTax => Lines.Sum(l => l.Tax);
    /// <summary>The sum of the lines' gross amounts: what the buyer pays.</summary>
    public long TotalGross => Lines.Sum(l => l.Gross);
}

/// <summary>
/// The subdivisions tax tells apart, so that a venue's place is checked when the organizer records
/// it rather than refused when a buyer checks out (the catalog asks when a venue is imported).
/// </summary>
public interface ITaxJurisdictions
{
    /// <summary>
    /// ISO 3166-2 codes (such as <c>US-TX</c>) of the subdivisions of <paramref name="country"/>
    /// (ISO 3166-1 alpha-2) that have rules of their own and can be priced. Empty when the country
    /// is taxed as a whole; when not empty, a place in that country must name one of them.
    /// </summary>
    IReadOnlyCollection<string> SubdivisionsOf(string country);
}

/// <summary>The request cannot be taxed as given (an unknown jurisdiction, a bad amount).</summary>
public sealed class TaxRequestException(string message) : Exception(message);

/// <summary>An external tax service did not answer usefully; the caller decides whether to retry or stop the sale.</summary>
public sealed class TaxUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Issues VAT invoices with gapless sequential numbers per seller. Orders calls it when an order
/// is paid; the same <see cref="InvoiceRequest.SourceReference"/> returns the invoice already issued.
/// </summary>
public interface IInvoiceIssuer
{
    /// <summary>Issues (or returns the already issued) invoice for the request.</summary>
    Task<IssuedInvoice> IssueAsync(InvoiceRequest request, CancellationToken cancellationToken);
}

/// <summary>A party on an invoice.</summary>
/// <param name="Name">Legal name.</param>
/// <param name="Address">Postal address, lines separated by newlines.</param>
/// <param name="Country">ISO 3166-1 alpha-2.</param>
/// <param name="VatNumber">VAT identification number, if any.</param>
public sealed record InvoiceParty(string Name, string Address, string Country, string? VatNumber = null);

/// <summary>One invoice line, already taxed (from a <see cref="TaxQuote"/>).</summary>
/// <param name="Description">What was supplied.</param>
/// <param name="Quantity">Units.</param>
/// <param name="Net">Minor units before tax.</param>
/// <param name="RatePpm">Tax rate in parts per million.</param>
/// <param name="Tax">Minor units of tax.</param>
/// <param name="TaxName">VAT, Sales tax…</param>
public sealed record InvoiceLine(string Description, int Quantity, long Net, int RatePpm, long Tax, string TaxName = "VAT");

/// <summary>What an invoice says.</summary>
/// <param name="SellerId">Numbering is per seller.</param>
/// <param name="SourceReference">The order (or refund) the invoice is for; one invoice per seller and reference.</param>
/// <param name="Seller">The seller as printed.</param>
/// <param name="Buyer">The buyer as printed.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Lines">At least one line.</param>
/// <param name="SupplyDate">Date of supply (the event's date for admissions), if different from the issue date.</param>
public sealed record InvoiceRequest(Guid SellerId, string SourceReference, InvoiceParty Seller, InvoiceParty Buyer, string Currency, IReadOnlyList<InvoiceLine> Lines, DateOnly? SupplyDate = null);

/// <summary>An issued invoice.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Number">The printed number, such as <c>000042</c>: sequential per seller, without gaps.</param>
/// <param name="Sequence">The number's sequence part.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="TotalNet">Sum of the lines' net amounts.</param>
/// <param name="TotalTax">Sum of the lines' tax.</param>
/// <param name="TotalGross">Net plus tax.</param>
public sealed record IssuedInvoice(Guid Id, string Number, long Sequence, DateTimeOffset IssuedAt, long TotalNet, long TotalTax, long TotalGross);

/// <summary>The request cannot become an invoice (no lines, a reference reused with other content).</summary>
public sealed class InvoiceRequestException(string message) : Exception(message);
