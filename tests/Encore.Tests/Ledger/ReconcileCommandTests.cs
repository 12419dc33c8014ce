using System.Diagnostics;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Tests.Orders;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tests.Ledger;

/// <summary>The reconcile command as an operator runs it: a separate process on the same database, judged by its exit code.</summary>
public sealed class ReconcileCommandTests
{
    [Fact]
    public async Task Reconcile_exits_zero_when_the_journal_agrees_and_one_on_any_difference()
    {
        // A real purchase, so that every module's check has something to agree on: the order paid through Orders,
        // the capture at the (simulated) gateway through Payments, and the journal's postings.
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync(InventoryClient.Hall(floorCapacity: 10));
        var buyer = await app.NewBuyerAsync();
        var order = await buyer.OrderFromHoldAsync(await (await buyer.HoldSeatsAsync(sale, "A1")).HoldIdAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await buyer.PayAsync(order.Id(), OrdersClient.Visa)).StatusCode);
        await app.WaitForOutboxAsync();
        Assert.Equal(1, await app.TransactionCountAsync());

        var clean = await RunReconcileAsync(app.ConnectionString);
        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.Contains("Reconciliation clean.", clean.Output);

        // A header that declares three entries but got two balanced ones (SQLite checks balance only at the declared count),
        // and a money event that was received but whose posting is missing.
        await JournalTests.InsertRawAsync(app, 3, ("gateway-clearing", 500), ("platform-fee-revenue:service", -500));
        await app.WithLedgerAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO ledger_money_event_receipts (\"MessageId\", \"SourceKind\", \"SourceId\", \"ReceivedAt\") VALUES ({0}, 'PaymentCaptured', {1}, 0)",
            Guid.NewGuid().ToString().ToUpperInvariant(), Guid.NewGuid().ToString().ToUpperInvariant()));

        var dirty = await RunReconcileAsync(app.ConnectionString);
        Assert.True(dirty.ExitCode == 1, dirty.Output);
        Assert.Contains("declares 3 entries and has 2", dirty.Output);
        Assert.Contains("was received (message", dirty.Output);
        Assert.Contains("Reconciliation found differences.", dirty.Output);
    }

    static async Task<(int ExitCode, string Output)> RunReconcileAsync(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Encore.Web.dll"));
        start.ArgumentList.Add("reconcile");
        start.Environment["Encore__Storage"] = "Sqlite";
        start.Environment["ConnectionStrings__Sqlite"] = connectionString;
        start.Environment["Encore__Demo__Seed"] = "off";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
