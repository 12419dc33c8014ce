namespace Encore.Ledger.Journal;

/// <summary>
/// The chart of accounts. Codes are text so per-party accounts (an organizer, a tax jurisdiction)
/// need no table of their own: <c>organizer-payable:&lt;organizer id&gt;</c>, <c>tax-payable:DE</c>.
/// Sign convention: debit positive, credit negative; assets and expenses carry positive balances,
/// liabilities and revenue negative ones.
/// </summary>
internal static class Accounts
{
    /// <summary>Asset: money captured at the gateway and not yet paid out.</summary>
    public const string GatewayClearing = "gateway-clearing";
    /// <summary>Expense: what the gateway keeps per payment.</summary>
    public const string GatewayFees = "gateway-fees";
    /// <summary>Revenue: the platform's service fees.</summary>
    public const string ServiceFeeRevenue = "platform-fee-revenue:service";
    /// <summary>Revenue: the platform's delivery fees.</summary>
    public const string DeliveryFeeRevenue = "platform-fee-revenue:delivery";
    /// <summary>Contra-revenue: service fees given back, so revenue keeps its history.</summary>
    public const string ServiceFeeRefunds = "refunds:service";
    /// <summary>Contra-revenue: delivery fees given back.</summary>
    public const string DeliveryFeeRefunds = "refunds:delivery";
    /// <summary>Expense: the gateway's dispute fees.</summary>
    public const string ChargebackFees = "chargeback-fees";

    /// <summary>Liability: face value and facility fees owed to an organizer.</summary>
    public static string OrganizerPayable(Guid organizerId) => $"organizer-payable:{organizerId:D}";
    /// <summary>Receivable: disputed amounts the gateway took back, to settle with the organizer.</summary>
    public static string Chargebacks(Guid organizerId) => $"chargebacks:{organizerId:D}";
    /// <summary>Liability: tax collected for a jurisdiction.</summary>
    public static string TaxPayable(string jurisdiction) => $"tax-payable:{jurisdiction}";

    /// <summary>ASCII letters, digits, '-', ':' and '.'; up to 120 characters.</summary>
    public static bool IsValid(string? code) =>
        code is { Length: > 0 and <= 120 } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or ':' or '.' or (>= 'A' and <= 'Z'));
}
