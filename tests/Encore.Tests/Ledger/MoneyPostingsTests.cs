using Encore.Contracts.MoneyFlow;
using Encore.Ledger.Journal;
using Encore.Ledger.Posting;

namespace Encore.Tests.Ledger;

public sealed class MoneyPostingsTests
{
    static readonly DateTimeOffset Now = new(2026, 3, 1, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_capture_splits_the_buyers_money_between_organizer_platform_tax_and_gateway()
    {
        var e = LedgerHarness.Payment();
        var postings = MoneyPostings.For(e).Where(p => p.Amount != 0).ToDictionary(p => p.Account, p => p.Amount);

        Assert.Equal(11701 - 90, postings[Accounts.GatewayClearing]);
        Assert.Equal(90, postings[Accounts.GatewayFees]);
        Assert.Equal(-9300, postings[Accounts.OrganizerPayable(LedgerHarness.Organizer)]);
        Assert.Equal(-1200, postings[Accounts.ServiceFeeRevenue]);
        Assert.Equal(-250, postings[Accounts.DeliveryFeeRevenue]);
        Assert.Equal(-951, postings["tax-payable:DE"]);
        Assert.Equal(0, postings.Values.Sum());
    }

    [Fact]
    public void Refunds_and_chargebacks_balance_and_move_money_out_of_the_gateway()
    {
        var refund = MoneyPostings.For(new RefundIssued(Guid.NewGuid(), Guid.NewGuid(), LedgerHarness.Organizer, "EUR",
            new MoneyBreakdown(4500, 600, 150, 0, [new("DE", 400)]), Now));
        Assert.Equal(0, refund.Sum(p => p.Amount));
        Assert.Equal(-5650, refund.Single(p => p.Account == Accounts.GatewayClearing).Amount);
        Assert.Equal(600, refund.Single(p => p.Account == Accounts.ServiceFeeRefunds).Amount);

        var chargeback = MoneyPostings.For(new ChargebackOpened(Guid.NewGuid(), Guid.NewGuid(), LedgerHarness.Organizer, "USD", 5000, 1500, Now));
        Assert.Equal(0, chargeback.Sum(p => p.Amount));
        Assert.Equal(-6500, chargeback.Single(p => p.Account == Accounts.GatewayClearing).Amount);
    }

    [Fact]
    public void Invalid_events_are_refused_rather_than_posted()
    {
        Assert.Throws<InvalidMoneyEventException>(() => MoneyPostings.For(LedgerHarness.Payment() with { Currency = "euro" }));
        Assert.Throws<InvalidMoneyEventException>(() => MoneyPostings.For(LedgerHarness.Payment() with { Amounts = new MoneyBreakdown(-1, 0, 0, 0, []) }));
        Assert.Throws<InvalidMoneyEventException>(() => MoneyPostings.For(LedgerHarness.Payment() with { GatewayFee = 1_000_000 }));
        Assert.Throws<InvalidMoneyEventException>(() => MoneyPostings.For(new ChargebackOpened(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "EUR", 0, 0, Now)));
    }

    [Fact]
    public void An_unbalanced_transaction_is_refused_before_it_reaches_the_database()
    {
        var ex = Assert.Throws<UnbalancedTransactionException>(() => JournalTransaction.Create("Manual", Guid.NewGuid(), null, null, "test", Now, Now,
            [new(Accounts.GatewayClearing, "EUR", 100), new(Accounts.ServiceFeeRevenue, "EUR", -90)]));
        Assert.Contains("EUR +10", ex.Message);

        // Balanced in total but not per currency.
        Assert.Throws<UnbalancedTransactionException>(() => JournalTransaction.Create("Manual", Guid.NewGuid(), null, null, "test", Now, Now,
            [new(Accounts.GatewayClearing, "EUR", 100), new(Accounts.ServiceFeeRevenue, "USD", -100)]));
        Assert.Throws<UnbalancedTransactionException>(() => JournalTransaction.Create("Manual", Guid.NewGuid(), null, null, "test", Now, Now,
            [new(Accounts.GatewayClearing, "EUR", 100)]));

        var ok = JournalTransaction.Create("Manual", Guid.NewGuid(), null, null, "test", Now, Now,
            [new(Accounts.GatewayClearing, "EUR", 100), new(Accounts.ServiceFeeRevenue, "EUR", -100), new(Accounts.GatewayFees, "EUR", 0)]);
        Assert.Equal(2, ok.EntryCount);
        Assert.Equal(Now, ok.PostedAt);
    }
}
