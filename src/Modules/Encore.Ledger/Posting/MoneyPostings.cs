using Encore.BuildingBlocks;
using Encore.Contracts.MoneyFlow;
using Encore.Ledger.Journal;

namespace Encore.Ledger.Posting;

/// <summary>
/// How each money event moves between accounts. Pure: the same event always gives the same
/// postings, which sum to zero by construction (and are checked again before and at insert).
/// </summary>
internal static class MoneyPostings
{
    public static IReadOnlyList<Journal.Posting> For(PaymentCaptured e)
    {
        var b = Validated(e.Currency, e.Amounts);
        NonNegative(e.GatewayFee, nameof(e.GatewayFee));
        if (e.GatewayFee > b.Total) throw new InvalidMoneyEventException("The gateway fee exceeds the captured amount.");
        var c = e.Currency;
        var postings = new List<Journal.Posting>
        {
            new(Accounts.GatewayClearing, c, checked(b.Total - e.GatewayFee)),
            new(Accounts.GatewayFees, c, e.GatewayFee),
            new(Accounts.OrganizerPayable(e.OrganizerId), c, -checked(b.FaceValue + b.FacilityFee)),
            new(Accounts.ServiceFeeRevenue, c, -b.ServiceFee),
            new(Accounts.DeliveryFeeRevenue, c, -b.DeliveryFee),
        };
        postings.AddRange(Taxes(b, c, credit: true));
        return postings;
    }

    public static IReadOnlyList<Journal.Posting> For(RefundIssued e)
    {
        var b = Validated(e.Currency, e.Amounts);
        var c = e.Currency;
        var postings = new List<Journal.Posting>
        {
            new(Accounts.GatewayClearing, c, -b.Total),
            new(Accounts.OrganizerPayable(e.OrganizerId), c, checked(b.FaceValue + b.FacilityFee)),
            new(Accounts.ServiceFeeRefunds, c, b.ServiceFee),
            new(Accounts.DeliveryFeeRefunds, c, b.DeliveryFee),
        };
        postings.AddRange(Taxes(b, c, credit: false));
        return postings;
    }

    public static IReadOnlyList<Journal.Posting> For(ChargebackOpened e)
    {
        if (!Money.IsCurrencyCode(e.Currency)) throw new InvalidMoneyEventException($"'{e.Currency}' is not an ISO 4217 currency code.");
        if (e.Amount <= 0) throw new InvalidMoneyEventException("A chargeback amount is positive.");
        NonNegative(e.DisputeFee, nameof(e.DisputeFee));
        var c = e.Currency;
        return
        [
            new(Accounts.GatewayClearing, c, -checked(e.Amount + e.DisputeFee)),
            new(Accounts.Chargebacks(e.OrganizerId), c, e.Amount),
            new(Accounts.ChargebackFees, c, e.DisputeFee),
        ];
    }

    static IEnumerable<Journal.Posting> Taxes(MoneyBreakdown b, string currency, bool credit) =>
        b.Taxes.GroupBy(t => t.Jurisdiction)
            .Select(g => new Journal.Posting(Accounts.TaxPayable(g.Key), currency, (credit ? -1 : 1) * g.Aggregate(0L, (s, t) => checked(s + t.Amount))));

    static MoneyBreakdown Validated(string currency, MoneyBreakdown? b)
    {
        if (!Money.IsCurrencyCode(currency)) throw new InvalidMoneyEventException($"'{currency}' is not an ISO 4217 currency code.");
        if (b is null) throw new InvalidMoneyEventException("The event has no amounts.");
        NonNegative(b.FaceValue, nameof(b.FaceValue));
        NonNegative(b.ServiceFee, nameof(b.ServiceFee));
        NonNegative(b.FacilityFee, nameof(b.FacilityFee));
        NonNegative(b.DeliveryFee, nameof(b.DeliveryFee));
        foreach (var t in b.Taxes ?? [])
        {
            NonNegative(t.Amount, "tax");
            if (!Accounts.IsValid(t.Jurisdiction) || t.Jurisdiction.Length > 20)
                throw new InvalidMoneyEventException($"'{t.Jurisdiction}' is not a jurisdiction code.");
        }
        if (b.Taxes is null) throw new InvalidMoneyEventException("The event has no tax list.");
        if (b.Total <= 0) throw new InvalidMoneyEventException("A money event moves a positive total.");
        return b;
    }

    static void NonNegative(long amount, string what)
    {
        if (amount < 0) throw new InvalidMoneyEventException($"{what} is negative ({amount}); the event type gives the direction.");
    }
}

/// <summary>An event the ledger cannot post: it fails delivery and ends dead-lettered, where reconciliation reports it.</summary>
internal sealed class InvalidMoneyEventException(string message) : InvalidOperationException(message);
