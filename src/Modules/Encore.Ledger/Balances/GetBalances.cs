using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Http;
using Encore.Ledger.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Ledger.Balances;

/// <summary>Balances per account and currency, summed from the entries on every read: nothing stores a total.</summary>
internal static class GetBalances
{
    public sealed record Balance(string Account, string Currency, long BalanceMinor, int Entries);
    public sealed record BalancesResponse(DateTimeOffset AsOf, IReadOnlyList<Balance> Balances);

    public static void Map(RouteGroupBuilder admin) =>
        admin.MapGet("/balances", Handle)
            .WithName("LedgerBalances")
            .WithSummary("Balances per account and currency, derived from the journal. Debit positive, credit negative.");

    static async Task<Results<Ok<BalancesResponse>, ValidationProblem>> Handle(
        LedgerDbContext db, TimeProvider clock, CancellationToken ct, string? account = null, string? currency = null)
    {
        if (account is not null && !Accounts.IsValid(account.TrimEnd('*')))
            return Problems.Invalid("account", "An account code, or a prefix ending in '*' (such as organizer-payable:*).");
        if (currency is not null && !Money.IsCurrencyCode(currency))
            return Problems.Invalid("currency", "An ISO 4217 code such as EUR.");

        var asOf = clock.GetUtcNow();
        var entries = db.Entries.AsNoTracking();
        if (account is not null)
            entries = account.EndsWith('*')
                ? entries.Where(e => e.Account.StartsWith(account.TrimEnd('*')))
                : entries.Where(e => e.Account == account);
        if (currency is not null) entries = entries.Where(e => e.Currency == currency);

        var balances = await entries
            .GroupBy(e => new { e.Account, e.Currency })
            .Select(g => new Balance(g.Key.Account, g.Key.Currency, g.Sum(e => e.Amount), g.Count()))
            .ToListAsync(ct);
        return TypedResults.Ok(new BalancesResponse(asOf, balances.OrderBy(b => b.Account, StringComparer.Ordinal).ThenBy(b => b.Currency, StringComparer.Ordinal).ToList()));
    }
}
