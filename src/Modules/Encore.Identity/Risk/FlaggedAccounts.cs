using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Identity.Risk;

/// <summary>
/// Every flagged account, held in memory per instance. Each gated request (a challenge, a hold, a
/// queue join, a payment) asks whether its account is flagged. A per-account cache rarely hits there:
/// a buyer's next request usually lands on another instance, or comes after the entry expired. So
/// each gated request paid a database round trip, 5 % of the machine in the hold profile
/// (docs/PERFORMANCE.md). Admins flag accounts one by one, so the whole set is small. One query per
/// instance reads it at most every <see cref="BuyerRiskSignals.FlagCacheSeconds"/>, and a change
/// on this instance is seen at once.
/// </summary>
internal sealed class FlaggedAccounts(IServiceScopeFactory scopes, TimeProvider clock)
{
    sealed record Snapshot(Dictionary<Guid, AccountFlag> Flags, long ReadAt);

    readonly Lock gate = new();
    Snapshot? current;
    Task<Snapshot>? reading;
    // Bumped by every change made here: a read that began before the change is not kept as current.
    long generation;

    public async ValueTask<AccountFlag?> FindAsync(Guid userId, CancellationToken ct)
    {
        var snapshot = Volatile.Read(ref current);
        if (snapshot is null || Expired(snapshot)) snapshot = await ReadAsync().WaitAsync(ct);
        return snapshot.Flags.GetValueOrDefault(userId);
    }

    /// <summary>An account was flagged or unflagged on this instance: the next request reads the set again.</summary>
    public void Changed()
    {
        lock (gate)
        {
            generation++;
            current = null;
            reading = null;
        }
    }

    bool Expired(Snapshot snapshot) =>
        clock.GetElapsedTime(snapshot.ReadAt) >= TimeSpan.FromSeconds(BuyerRiskSignals.FlagCacheSeconds);

    /// <summary>One read at a time per instance; everyone who finds the set expired waits for the same read.</summary>
    Task<Snapshot> ReadAsync()
    {
        lock (gate)
        {
            if (current is { } fresh && !Expired(fresh)) return Task.FromResult(fresh);
            if (reading is { IsCompleted: false } pending) return pending;
            return reading = ReadAllAsync(generation);
        }
    }

    async Task<Snapshot> ReadAllAsync(long startedAt)
    {
        var readAt = clock.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        // Not the caller's token: the read is shared, and one caller giving up must not fail the others.
        var flags = await db.AccountFlags.AsNoTracking().ToDictionaryAsync(f => f.UserId, CancellationToken.None);
        var snapshot = new Snapshot(flags, readAt);
        lock (gate)
        {
            if (generation == startedAt) current = snapshot;
        }
        return snapshot;
    }
}
