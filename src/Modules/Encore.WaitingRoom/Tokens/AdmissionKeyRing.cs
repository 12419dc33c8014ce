using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Encore.WaitingRoom.Tokens;

/// <summary>
/// The ES256 keys that sign admission tokens, in the module's database so every instance signs with
/// the same key and validates every other's tokens. Time is cut into rotation periods; the key of
/// a period is created on first use by whichever instance needs it first (the period is unique, so
/// a racing instance reads the winner's key). A key validates for a day after its period, far
/// longer than any admission (at most an hour), so a token never outlives its key.
/// </summary>
internal sealed class AdmissionKeyRing(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, WaitingRoomOptions options)
{
    static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    static readonly TimeSpan KeepAfter = TimeSpan.FromDays(1);
    /// <summary>An unknown key id sends an instance back to the database at most this often.</summary>
    static readonly TimeSpan ReloadAtMost = TimeSpan.FromSeconds(5);
    readonly IDataProtector protector = protection.CreateProtector("Encore.WaitingRoom.AdmissionKeys");
    readonly SemaphoreSlim gate = new(1, 1);
    readonly Dictionary<Guid, ECDsaSecurityKey> unprotected = [];
    KeySet? cached;
    DateTimeOffset lastReload = DateTimeOffset.MinValue;

    sealed record KeySet(long Period, ECDsaSecurityKey Signing, IReadOnlyList<ECDsaSecurityKey> Validating, DateTimeOffset RefreshAt);

    TimeSpan Period => TimeSpan.FromDays(options.KeyRotationDays);

    long PeriodOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)Period.TotalMilliseconds;

    public async ValueTask<ECDsaSecurityKey> SigningKeyAsync(CancellationToken ct) => (await CurrentAsync(false, ct)).Signing;

    public async ValueTask<IReadOnlyList<ECDsaSecurityKey>> ValidationKeysAsync(bool reload, CancellationToken ct) =>
        (await CurrentAsync(reload, ct)).Validating;

    async ValueTask<KeySet> CurrentAsync(bool reload, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (cached is { } set && now < set.RefreshAt && set.Period == PeriodOf(now) && !(reload && now - lastReload > ReloadAtMost)) return set;
        await gate.WaitAsync(ct);
        try
        {
            now = clock.GetUtcNow();
            if (cached is { } again && now < again.RefreshAt && again.Period == PeriodOf(now) && !(reload && now - lastReload > ReloadAtMost)) return again;
            lastReload = now;
            cached = await LoadAsync(now, ct);
            return cached;
        }
        finally
        {
            gate.Release();
        }
    }

    async Task<KeySet> LoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        var period = PeriodOf(now);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaitingRoomDbContext>();
        var keys = (await db.Keys.AsNoTracking().ToListAsync(ct)).Where(k => k.RetiresAt > now).ToList();
        if (!keys.Any(k => k.Period == period))
        {
            db.Keys.Add(NewKey(period, now));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance created this period's key first; theirs is as good.
            }
            db.ChangeTracker.Clear();
            keys = (await db.Keys.AsNoTracking().ToListAsync(ct)).Where(k => k.RetiresAt > now).ToList();
            // Keys retired long ago serve no one.
            await db.Keys.Where(k => k.RetiresAt < now - Period).ExecuteDeleteAsync(ct);
        }
        var signing = keys.Single(k => k.Period == period);
        var periodEnds = DateTimeOffset.FromUnixTimeMilliseconds((period + 1) * (long)Period.TotalMilliseconds);
        return new KeySet(period, Key(signing), keys.OrderByDescending(k => k.Period).Select(Key).ToList(),
            periodEnds < now + CacheFor ? periodEnds : now + CacheFor);
    }

    AdmissionKey NewKey(long period, DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new AdmissionKey
        {
            Id = Guid.CreateVersion7(now),
            Period = period,
            ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(ecdsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
            RetiresAt = DateTimeOffset.FromUnixTimeMilliseconds((period + 1) * (long)Period.TotalMilliseconds) + KeepAfter,
        };
    }

    ECDsaSecurityKey Key(AdmissionKey key)
    {
        lock (unprotected)
        {
            if (unprotected.TryGetValue(key.Id, out var known)) return known;
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(key.ProtectedPrivateKey)), out _);
            return unprotected[key.Id] = new ECDsaSecurityKey(ecdsa) { KeyId = key.Id.ToString("N") };
        }
    }
}
