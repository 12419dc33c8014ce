using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.MoneyFlow;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Hosting;

/// <summary>
/// <c>dotnet run --project src/Encore.Web -- reconcile</c>: runs every module's
/// <see cref="IReconciliationCheck"/> and the host's own check that no money event is stuck in
/// an outbox, prints a report and exits 0 when everything agrees, 1 on any difference, 2 when a
/// check itself failed.
/// </summary>
internal static class Reconciliation
{
    public const int Clean = 0, Differences = 1, CheckFailed = 2;

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter report, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var checks = scope.ServiceProvider.GetServices<IReconciliationCheck>()
            .Append(new StuckMoneyEventsCheck(scope.ServiceProvider))
            .ToList();
        await report.WriteLineAsync($"Encore reconciliation at {clock.GetUtcNow():O}");
        var exit = Clean;
        foreach (var check in checks)
        {
            IReadOnlyList<string> differences;
            try
            {
                differences = await check.RunAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await report.WriteLineAsync($"ERROR {check.Name}: {ex.GetType().Name}: {ex.Message}");
                exit = Math.Max(exit, CheckFailed);
                continue;
            }
            if (differences.Count == 0)
            {
                await report.WriteLineAsync($"ok    {check.Name}");
                continue;
            }
            exit = Math.Max(exit, Differences);
            await report.WriteLineAsync($"DIFF  {check.Name}: {differences.Count} difference(s)");
            foreach (var difference in differences) await report.WriteLineAsync($"      - {difference}");
        }
        await report.WriteLineAsync(exit == Clean ? "Reconciliation clean." : "Reconciliation found differences.");
        return exit;
    }

    /// <summary>A money event that was dead-lettered in any module's outbox will never reach the journal.</summary>
    sealed class StuckMoneyEventsCheck(IServiceProvider services) : IReconciliationCheck
    {
        public string Name => "outbox.money-events-delivered";

        public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
        {
            var moneyTypes = typeof(IMoneyEvent).Assembly.GetTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMoneyEvent).IsAssignableFrom(t))
                .Select(t => t.FullName!)
                .ToList();
            var differences = new List<string>();
            foreach (var module in services.GetServices<ModuleDatabase>().DistinctBy(m => m.ContextType))
            {
                var db = (DbContext)services.GetRequiredService(module.ContextType);
                if (db.Model.FindEntityType(typeof(OutboxMessage)) is null) continue;
                var dead = await db.Set<OutboxMessage>().AsNoTracking()
                    .Where(m => m.Status == OutboxStatus.DeadLettered && moneyTypes.Contains(m.Type))
                    .Select(m => new { m.Id, m.Type, m.LastError })
                    .ToListAsync(ct);
                differences.AddRange(dead.Select(d => $"{module.Schema}: {d.Type} message {d.Id} was dead-lettered and never posted ({d.LastError})"));
            }
            return differences;
        }
    }
}
