namespace Encore.Tax.Invoices;

/// <summary>
/// A VAT invoice. It is written unnumbered, then numbered with the other waiting invoices of its
/// seller (<see cref="InvoiceIssuer"/>); only then is it issued, and never changed after: a
/// correction is a credit note (a new invoice), as VAT law requires.
/// </summary>
internal sealed class Invoice
{
    public Guid Id { get; init; }
    public Guid SellerId { get; init; }
    /// <summary>Null until numbered; an unnumbered invoice is not issued and nobody is shown it.</summary>
    public long? Sequence { get; set; }
    public string Number { get; set; } = "";
    public string SourceReference { get; init; } = "";
    /// <summary>SHA-256 of the request, so a repeated reference with other content is refused rather than silently answered.</summary>
    public string RequestHash { get; init; } = "";
    /// <summary>When it was numbered, so that numbers and issue dates rise together.</summary>
    public DateTimeOffset IssuedAt { get; set; }
    public DateOnly? SupplyDate { get; init; }
    public string Currency { get; init; } = "";
    public string Seller { get; init; } = "";
    public string Buyer { get; init; } = "";
    public string Lines { get; init; } = "";
    public long TotalNet { get; init; }
    public long TotalTax { get; init; }
    public long TotalGross { get; init; }
}

/// <summary>The last number issued per seller; advanced in the transaction that numbers, so a rollback gives the numbers back.</summary>
internal sealed class InvoiceSequence
{
    public Guid SellerId { get; init; }
    public long LastNumber { get; set; }
}
