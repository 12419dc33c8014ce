using System.Diagnostics;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tests.Ledger;

/// <summary>The reconcile command as an operator runs it: a separate process on the same database, judged by its exit code.</summary>
public sealed class ReconcileCommandTests
{
    [Fact]
    public async Task Reconcile_exits_zero_when_the_journal_agrees_and_one_on_any_difference()
    {
        await using var app = EncoreAppFactory.Sqlite();
        // The payments check (payments.gateway) runs too: each capture in the journal went through the gateway.
        foreach (var currency in new[] { "EUR", "GBP" })
        {
            var request = Payments.PaymentsHarness.Request(amount: LedgerHarness.Payment().Amounts.Total, currency: currency);
            await Payments.PaymentsHarness.WithPaymentsAsync(app, p => p.AuthorizeAsync(request, CancellationToken.None));
            var captured = await Payments.PaymentsHarness.WithPaymentsAsync(app, p => p.CaptureAsync(request.PaymentId, CancellationToken.None));
            await app.PublishAsync(LedgerHarness.Payment(request.PaymentId, currency, captured.GatewayFee));
        }

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
