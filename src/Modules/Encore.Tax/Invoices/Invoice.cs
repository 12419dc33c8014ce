namespace Encore.Tax.Invoices;

/// <summary>An issued VAT invoice. Never changed: a correction is a credit note (a new invoice), as VAT law requires.</summary>
internal sealed class Invoice
{
    public Guid Id { get; init; }
    public Guid SellerId { get; init; }
    public long Sequence { get; init; }
    public string Number { get; init; } = "";
    public string SourceReference { get; init; } = "";
    /// <summary>SHA-256 of the request, so a repeated reference with other content is refused rather than silently answered.</summary>
    public string RequestHash { get; init; } = "";
    public DateTimeOffset IssuedAt { get; init; }
    public DateOnly? SupplyDate { get; init; }
    public string Currency { get; init; } = "";
    public string Seller { get; init; } = "";
    public string Buyer { get; init; } = "";
    public string Lines { get; init; } = "";
    public long TotalNet { get; init; }
    public long TotalTax { get; init; }
    public long TotalGross { get; init; }
}

/// <summary>The last number issued per seller; incremented in the invoice's own transaction, so a rollback gives the number back.</summary>
internal sealed class InvoiceSequence
{
    public Guid SellerId { get; init; }
    public long LastNumber { get; init; }
}
