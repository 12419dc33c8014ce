using System.Security.Cryptography;
using Encore.BuildingBlocks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Encore.Identity.Oidc;

/// <summary>
/// One RSA key of the OIDC server. A key is created ahead of its activation, so every instance and
/// every resource server has fetched it (JWKS) before anything is signed with it, and it stays
/// published until the last token it signed or encrypted has expired.
/// </summary>
internal sealed class OidcKey
{
    public const string Signing = "sig";
    public const string Encryption = "enc";

    public Guid Id { get; init; }
    public string Use { get; init; } = Signing;
    /// <summary>PKCS#8 private key, protected with ASP.NET Core Data Protection (whose keys are in this database too).</summary>
    public string ProtectedPrivateKey { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ActivatesAt { get; init; }
    public DateTimeOffset RetiresAt { get; set; }

    public string KeyId => Id.ToString("N");

    public static void Configure(ModelBuilder builder) => builder.Entity<OidcKey>(k =>
    {
        k.ToTable("oidc_keys");
        k.Property(x => x.Use).HasMaxLength(3);
        // Two instances that plan the same successor at once insert the same slot: one wins.
        k.HasIndex(x => new { x.Use, x.ActivatesAt }).IsUnique();
    });
}

/// <summary>How often keys rotate, how early a successor is published, how long a retired key stays.</summary>
internal sealed class OidcKeyOptions
{
    /// <summary>How long each key signs (and encrypts) new tokens.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long before activation a successor is published. Longer than any JWKS cache of a resource
    /// server (a day is common) and far longer than our own cache (<see cref="OidcKeyRing.CacheFor"/>).
    /// </summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a key stays published after its successor took over: the longest token lifetime (refresh tokens).</summary>
    public TimeSpan KeepAfter { get; set; } = OidcServer.RefreshTokenLifetime + TimeSpan.FromDays(1);

    /// <summary>
    /// Makes the RSA pair of a new key. Generating a 2048-bit pair takes a few hundred milliseconds of
    /// CPU; the test suite, which starts hundreds of apps on fresh databases, hands out pairs it made once.
    /// </summary>
    public Func<RSA> NewRsa { get; set; } = () => RSA.Create(2048);
}

/// <summary>The keys in effect at one instant: what signs and encrypts now, and what still validates.</summary>
internal sealed record OidcKeySet(
    SigningCredentials Signing,
    EncryptingCredentials Encrypting,
    IReadOnlyList<RsaSecurityKey> SigningKeys,
    IReadOnlyList<RsaSecurityKey> EncryptionKeys,
    DateTimeOffset RefreshAt);

/// <summary>
/// The OIDC server's keys, kept in the database so every instance signs with the same key and
/// validates every other's tokens. Each instance caches the set for a few minutes; successors are
/// published days before they sign, so a cache is never behind when it matters.
/// </summary>
internal sealed class OidcKeyRing(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, OidcKeyOptions options, ILogger<OidcKeyRing> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    readonly IDataProtector protector = protection.CreateProtector("Encore.Identity.Oidc.Keys");
    readonly SemaphoreSlim gate = new(1, 1);
    readonly Dictionary<Guid, RsaSecurityKey> unprotected = [];
    OidcKeySet? cached;

    public async ValueTask<OidcKeySet> CurrentAsync(CancellationToken ct = default)
    {
        if (cached is { } set && clock.GetUtcNow() < set.RefreshAt) return set;
        await gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (cached is { } again && now < again.RefreshAt) return again;
            cached = await LoadAsync(now, ct) ?? await EnsureAndLoadAsync(now, ct);
            return cached;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Creates whatever key the schedule needs by <paramref name="now"/>: the first ones, or the next successor.</summary>
    public async Task EnsureKeysAsync(CancellationToken ct = default)
    {
        await EnsureAsync(clock.GetUtcNow(), ct);
        cached = null;
    }

    async Task<OidcKeySet> EnsureAndLoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        await EnsureAsync(now, ct);
        return await LoadAsync(now, ct) ?? throw new InvalidOperationException("The OIDC key ring has no active key after creating one.");
    }

    async Task<OidcKeySet?> LoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var keys = (await db.OidcKeys.AsNoTracking().ToListAsync(ct)).Where(k => k.RetiresAt > now).ToList();

        var signing = Active(keys, OidcKey.Signing, now);
        var encryption = Active(keys, OidcKey.Encryption, now);
        if (signing is null || encryption is null) return null;

        // The set changes when a key activates or retires; look again then, or after CacheFor.
        var refreshAt = keys.SelectMany(k => new[] { k.ActivatesAt, k.RetiresAt })
            .Where(t => t > now)
            .Append(now + CacheFor)
            .Min();
        return new OidcKeySet(
            new SigningCredentials(Key(signing), SecurityAlgorithms.RsaSha256),
            new EncryptingCredentials(Key(encryption), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512),
            // Not-yet-active keys are published too: that is how resource servers learn them in time.
            keys.Where(k => k.Use == OidcKey.Signing).OrderByDescending(k => k.ActivatesAt).Select(Key).ToList(),
            keys.Where(k => k.Use == OidcKey.Encryption).OrderByDescending(k => k.ActivatesAt).Select(Key).ToList(),
            refreshAt);
    }

    /// <summary>The newest key that has activated and not retired; every instance picks the same one.</summary>
    static OidcKey? Active(List<OidcKey> keys, string use, DateTimeOffset now) => keys
        .Where(k => k.Use == use && k.ActivatesAt <= now)
        .OrderByDescending(k => k.ActivatesAt).ThenByDescending(k => k.Id)
        .FirstOrDefault();

    RsaSecurityKey Key(OidcKey key)
    {
        lock (unprotected)
        {
            if (unprotected.TryGetValue(key.Id, out var known)) return known;
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(key.ProtectedPrivateKey)), out _);
            return unprotected[key.Id] = new RsaSecurityKey(rsa) { KeyId = key.KeyId };
        }
    }

    async Task EnsureAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var use in new[] { OidcKey.Signing, OidcKey.Encryption })
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            var keys = await db.OidcKeys.Where(k => k.Use == use).ToListAsync(ct);
            var newest = keys.Where(k => k.RetiresAt > now).OrderByDescending(k => k.ActivatesAt).FirstOrDefault();

            DateTimeOffset activatesAt;
            if (newest is null) activatesAt = now; // The very first key: nothing can have cached anything yet.
            else if (newest.ActivatesAt + options.RotationPeriod - options.PublishAhead <= now)
            {
                // On schedule the successor takes over when the period ends; after downtime, no sooner than
                // PublishAhead from now, so caches learn it first. Either way its predecessor stays long enough.
                var planned = newest.ActivatesAt + options.RotationPeriod;
                activatesAt = planned >= now + options.PublishAhead ? planned : now + options.PublishAhead;
                var keepUntil = activatesAt + options.KeepAfter;
                if (newest.RetiresAt < keepUntil) newest.RetiresAt = keepUntil;
            }
            else continue;

            db.OidcKeys.Add(NewKey(use, now, activatesAt));
            // Keys retired long ago are of no use to anyone.
            db.OidcKeys.RemoveRange(keys.Where(k => k.RetiresAt + options.RotationPeriod < now));
            try
            {
                await db.SaveChangesAsync(ct);
                logger.LogInformation("OIDC {Use} key created, active from {ActivatesAt:O}", use, activatesAt);
            }
            catch (DbUpdateException) when (activatesAt != now)
            {
                // Another instance planned the same successor first (unique slot); theirs is as good.
            }
        }
    }

    OidcKey NewKey(string use, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        using var rsa = options.NewRsa();
        return new OidcKey
        {
            Id = Guid.CreateVersion7(now),
            Use = use,
            ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(rsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
            ActivatesAt = activatesAt,
            RetiresAt = activatesAt + options.RotationPeriod + options.KeepAfter,
        };
    }
}

/// <summary>Plans successors ahead of time; several instances may run it, the unique slot keeps one key per activation.</summary>
internal sealed class OidcKeyRotationJob(OidcKeyRing ring, TimeProvider clock, ILogger<OidcKeyRotationJob> logger) : BackgroundService
{
    static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ring.EnsureKeysAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next run tries again; PublishAhead leaves days for that.
                logger.LogError(ex, "OIDC key rotation failed");
            }
            if (!await Pause.NextPassAsync(Every, clock, stoppingToken)) return;
        }
    }
}
