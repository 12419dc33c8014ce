using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.MoneyFlow;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Ledger;

/// <summary>The journal on both topologies: money events posted once, balances derived, history the database will not let anyone rewrite.</summary>
public sealed class JournalTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Money_events_are_posted_once_and_balances_are_derived_from_the_journal(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var admin = await app.SignedInAsync("admin@encore.test");

        var payment = LedgerHarness.Payment();
        var message = await app.PublishAsync(payment);
        Assert.Equal(1, await app.TransactionCountAsync());

        // The relay delivers again (a crash before it marked the message), and Payments announces the same capture twice.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
        await app.RedeliverAsync(payment, message, clock);
        await app.PublishAsync(payment);
        Assert.Equal(1, await app.TransactionCountAsync());
        Assert.Equal(2, await app.WithLedgerAsync(db => db.Receipts.CountAsync()));

        await app.PublishAsync(new RefundIssued(Guid.NewGuid(), payment.OrderId, LedgerHarness.Organizer, "EUR",
            new MoneyBreakdown(4500, 0, 150, 0, [new("DE", 300)]), payment.OccurredAt.AddDays(1)));
        // A delivery straight to the consumer posts at the consumer's clock.
        var second = LedgerHarness.Payment(currency: "USD", gatewayFee: 0) with { Amounts = new MoneyBreakdown(5000, 700, 0, 0, [new("US-TX", 356)]) };
        await app.RedeliverAsync(second, Guid.NewGuid(), clock);
        Assert.Equal(3, await app.TransactionCountAsync());
        Assert.Equal(clock.GetUtcNow(), await app.WithLedgerAsync(db => db.Transactions.Where(t => t.SourceId == second.PaymentId).Select(t => t.PostedAt).SingleAsync()));

        var organizer = await admin.GetFromJsonAsync<JsonObject>("/api/admin/ledger/balances?account=organizer-payable:*&currency=EUR");
        var row = Assert.Single(organizer!["balances"]!.AsArray());
        Assert.Equal($"organizer-payable:{LedgerHarness.Organizer}", row!["account"]!.GetValue<string>());
        Assert.Equal(-9300 + 4650, row["balanceMinor"]!.GetValue<long>());

        var all = await admin.GetFromJsonAsync<JsonObject>("/api/admin/ledger/balances");
        var balances = all!["balances"]!.AsArray().Select(b => (Account: b!["account"]!.GetValue<string>(), Currency: b["currency"]!.GetValue<string>(), Minor: b["balanceMinor"]!.GetValue<long>())).ToList();
        Assert.All(balances.GroupBy(b => b.Currency), g => Assert.Equal(0, g.Sum(b => b.Minor)));
        Assert.Contains(("gateway-clearing", "EUR", 11701 - 90 - 4950L), balances);
        Assert.Contains(("tax-payable:US-TX", "USD", -356L), balances);

        var bad = await admin.GetAsync("/api/admin/ledger/balances?currency=euro");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/admin/ledger/balances")).StatusCode);
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync("/api/admin/ledger/balances")).StatusCode);

        // The journal's own checks: the captures above were published by hand, so the Orders and Payments
        // checks rightly find them unknown (ReconcileCommandTests runs every check after a real purchase).
        await using var scope = app.Services.CreateAsyncScope();
        var checks = scope.ServiceProvider.GetServices<IReconciliationCheck>().Where(c => c.Name.StartsWith("ledger.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["ledger.balanced", "ledger.money-events-once"], checks.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray());
        foreach (var check in checks) Assert.Empty(await check.RunAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_database_refuses_to_update_or_delete_journal_rows(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        await app.PublishAsync(LedgerHarness.Payment());
        var entries = app.Table("journal_entries");
        var transactions = app.Table("journal_transactions");

        string[] attempts =
        [
            $"UPDATE {entries} SET amount = amount + 100",
            $"UPDATE {entries} SET account = 'gateway-clearing' WHERE line = 2",
            $"DELETE FROM {entries}",
            $"DELETE FROM {entries} WHERE line = 1",
            $"UPDATE {transactions} SET description = 'nothing happened'",
            $"DELETE FROM {transactions}",
            .. provider == StorageProvider.Postgres ? [$"TRUNCATE {entries}", $"TRUNCATE {transactions} CASCADE"] : Array.Empty<string>(),
        ];
        foreach (var sql in attempts)
        {
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.WithLedgerAsync(db => db.Database.ExecuteSqlRawAsync(sql)));
            Assert.Contains("append-only", ex.Message);
        }

        Assert.Equal(1, await app.TransactionCountAsync());
        Assert.Equal(6, await app.WithLedgerAsync(db => db.Entries.CountAsync()));
        Assert.Equal(11701 - 90, await app.WithLedgerAsync(db => db.Entries.Where(e => e.Account == "gateway-clearing").SumAsync(e => e.Amount)));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_database_refuses_a_transaction_that_does_not_balance(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        app.CreateClient().Dispose();

        var unbalanced = await Assert.ThrowsAnyAsync<Exception>(() => InsertRawAsync(app, 2, ("gateway-clearing", 100), ("platform-fee-revenue:service", -90)));
        Assert.Contains("balance", unbalanced.Message);
        var tooMany = await Assert.ThrowsAnyAsync<Exception>(() => InsertRawAsync(app, 2, ("gateway-clearing", 100), ("platform-fee-revenue:service", -100), ("platform-fee-revenue:delivery", 0)));
        Assert.Contains("entries", tooMany.Message);
        var single = await Assert.ThrowsAnyAsync<Exception>(() => InsertRawAsync(app, 1, ("gateway-clearing", 0)));
        Assert.Contains("ck_journal_transactions_entry_count", single.Message);

        Assert.Equal(0, await app.TransactionCountAsync());
        Assert.Equal(0, await app.WithLedgerAsync(db => db.Entries.CountAsync()));

        // The same path with a balanced transaction goes through: the refusals above are about balance, not about raw SQL.
        await InsertRawAsync(app, 2, ("gateway-clearing", 100), ("platform-fee-revenue:service", -100));
        Assert.Equal(1, await app.TransactionCountAsync());
    }

    /// <summary>Writes a journal transaction by hand, as a buggy module or a person at a SQL prompt might, in one database transaction.</summary>
    internal static Task InsertRawAsync(EncoreAppFactory app, int declared, params (string Account, long Amount)[] entries) =>
        app.WithLedgerAsync(async db =>
        {
            var postgres = app.Provider == StorageProvider.Postgres;
            var id = Guid.NewGuid();
            object txId = postgres ? id : id.ToString().ToUpperInvariant();
            object now = postgres ? DateTimeOffset.UtcNow : DateTimeOffset.UtcNow.UtcTicks;
            await using var tx = await db.Database.BeginTransactionAsync();
            var header = "INSERT INTO " + app.Table("journal_transactions") + " (id, source_kind, source_id, description, occurred_at, posted_at, entry_count) VALUES ({0}, 'Manual', {1}, 'by hand', {2}, {2}, {3})";
            var entry = "INSERT INTO " + app.Table("journal_entries") + " (transaction_id, line, account, currency, amount) VALUES ({0}, {1}, {2}, 'EUR', {3})";
            await db.Database.ExecuteSqlRawAsync(header,
                txId, postgres ? Guid.NewGuid() : Guid.NewGuid().ToString().ToUpperInvariant(), now, declared);
            var line = 0;
            foreach (var (account, amount) in entries)
                await db.Database.ExecuteSqlRawAsync(entry, txId, ++line, account, amount);
            await tx.CommitAsync();
            return 0;
        });
}
