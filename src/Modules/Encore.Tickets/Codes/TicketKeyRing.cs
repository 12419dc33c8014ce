using System.Collections.Concurrent;
using System.Security.Cryptography;
using Encore.BuildingBlocks.Live;
using Encore.Tickets.Model;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tickets.Codes;

/// <summary>One key of an event: its public half always, its private half on demand.</summary>
internal sealed class TicketKey
{
    readonly ConcurrentBag<ECDsa> verifiers = [];
    readonly ECParameters publicParameters;
    readonly Func<ECDsa>? loadPrivate;
    ECDsa? signer;

    public TicketKey(int keyId, Guid eventId, DateTimeOffset createdAt, DateTimeOffset? retiredAt, byte[] publicKey, Func<ECDsa>? loadPrivate)
    {
        KeyId = keyId;
        EventId = eventId;
        CreatedAt = createdAt;
        RetiredAt = retiredAt;
        PublicKey = publicKey;
        publicParameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = publicKey[..32], Y = publicKey[32..] } };
        this.loadPrivate = loadPrivate;
    }

    public int KeyId { get; }
    public Guid EventId { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset? RetiredAt { get; }
    public byte[] PublicKey { get; }
    public string Kid => KidOf(KeyId);

    public static string KidOf(int keyId) => ((uint)keyId).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Verifies with a pooled key object: one ECDsa is not meant to be shared by threads at once.</summary>
    public bool Verify(ParsedCode code)
    {
        if (!verifiers.TryTake(out var ecdsa)) ecdsa = ECDsa.Create(publicParameters);
        try { return TicketToken.Verify(code, ecdsa); }
        finally { verifiers.Add(ecdsa); }
    }

    public byte[] Sign(TicketClaims claims)
    {
        var key = signer ??= loadPrivate?.Invoke() ?? throw new InvalidOperationException("This key has no private half here.");
        lock (key) return TicketToken.Sign(claims, key);
    }
}

/// <summary>An event's keys and display secret, as every instance reads them from the database.</summary>
internal sealed record EventKeys(Guid EventId, Guid OrganizerId, bool RequireRotatingCodes, byte[] DisplaySecret, IReadOnlyList<TicketKey> Keys, DateTimeOffset LoadedAt)
{
    /// <summary>The newest key not retired signs; every instance picks the same one.</summary>
    public TicketKey Active => Keys.Where(k => k.RetiredAt is null).OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.KeyId).First();

    public IEnumerable<TicketKey> Verifying => Keys.Where(k => k.RetiredAt is null);
}

/// <summary>
/// Per-event ECDSA P-256 key pairs in the database, private halves protected with ASP.NET Core
/// Data Protection (its key ring is shared by every instance). Each instance caches an event's keys
/// for <see cref="CacheFor"/>; a rotation, retirement or settings change is announced to every
/// instance (<see cref="ILiveBroadcast"/>), which drop their copy when the message arrives, and
/// within <see cref="CacheFor"/> at most should the message be lost.
/// </summary>
internal sealed class TicketKeyRing(IServiceScopeFactory scopes, IDataProtectionProvider protection, ILiveBroadcast broadcast, TimeProvider clock, TicketsOptions options)
{
    const string Channel = "tickets:keys";
    IDisposable? subscription;
    readonly IDataProtector protector = protection.CreateProtector("Encore.Tickets.Keys");
    readonly ConcurrentDictionary<Guid, EventKeys> events = new();
    readonly ConcurrentDictionary<int, Guid> eventOfKey = new();

    TimeSpan CacheFor => options.KeyCacheSeconds;

    /// <summary>The event's keys, or null when no ticket of it was ever issued.</summary>
    public async Task<EventKeys?> ForEventAsync(Guid eventId, CancellationToken ct)
    {
        if (events.TryGetValue(eventId, out var cached) && clock.GetUtcNow() - cached.LoadedAt < CacheFor) return cached;
        await SubscribeAsync();
        await using var scope = scopes.CreateAsyncScope();
        return await LoadAsync(scope.ServiceProvider.GetRequiredService<TicketsDbContext>(), eventId, ct);
    }

    /// <summary>The key a code names, with its event; null when no such key exists.</summary>
    public async Task<(TicketKey Key, EventKeys Event)?> FindAsync(int keyId, CancellationToken ct)
    {
        if (!eventOfKey.TryGetValue(keyId, out var eventId))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            var found = await db.SigningKeys.AsNoTracking().Where(k => k.KeyId == keyId).Select(k => (Guid?)k.EventId).SingleOrDefaultAsync(ct);
            if (found is null) return null;
            eventId = found.Value;
        }
        var keys = await ForEventAsync(eventId, ct);
        if (keys?.Keys.FirstOrDefault(k => k.KeyId == keyId) is not { } key)
        {
            // A key created on another instance after this one cached the event.
            Forget(eventId);
            keys = await ForEventAsync(eventId, ct);
            key = keys?.Keys.FirstOrDefault(k => k.KeyId == keyId);
        }
        return key is null ? null : (key, keys!);
    }

    /// <summary>Creates the event's ticketing (display secret, first key) unless it exists; several instances may race, one wins.</summary>
    public async Task<EventKeys> EnsureAsync(TicketsDbContext db, Guid eventId, Guid organizerId, CancellationToken ct)
    {
        if (await ForEventAsync(eventId, ct) is { } existing) return existing;
        var now = clock.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var fresh = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            fresh.Events.Add(new EventTicketing
            {
                EventId = eventId,
                OrganizerId = organizerId,
                DisplaySecretProtected = protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
                CreatedAt = now,
            });
            fresh.SigningKeys.Add(NewKey(eventId, now));
            try { await fresh.SaveChangesAsync(ct); }
            catch (DbUpdateException) { /* another instance created them first; read theirs */ }
        }
        Forget(eventId);
        return await LoadAsync(db, eventId, ct) ?? throw new InvalidOperationException($"Event {eventId} has no ticketing after creating it.");
    }

    /// <summary>A new signing key for the event; the previous ones keep verifying until retired.</summary>
    public async Task<TicketKey> RotateAsync(TicketsDbContext db, Guid eventId, CancellationToken ct)
    {
        // The newest key signs, so a successor must be strictly newer even when the clock has not moved.
        var latest = await db.SigningKeys.Where(k => k.EventId == eventId).MaxAsync(k => (DateTimeOffset?)k.CreatedAt, ct);
        // Whole milliseconds: PostgreSQL keeps microseconds, so finer ticks could tie after the round trip.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var key = NewKey(eventId, latest is { } l && l >= now ? l.AddMilliseconds(1) : now);
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(eventId);
        return (await LoadAsync(db, eventId, ct))!.Keys.Single(k => k.KeyId == key.KeyId);
    }

    public void Forget(Guid eventId) => events.TryRemove(eventId, out _);

    /// <summary>The event's keys or settings changed in the database: forget them here and tell the other instances.</summary>
    public async Task ChangedAsync(Guid eventId)
    {
        Forget(eventId);
        // A hint: when it cannot be sent, the others still reload within the cache time.
        try { await broadcast.PublishAsync(Channel, eventId.ToString("N")); }
        catch (Exception) { }
    }

    async Task SubscribeAsync()
    {
        if (Volatile.Read(ref subscription) is not null) return;
        try
        {
            var made = await broadcast.SubscribeAsync(Channel, m => { if (Guid.TryParseExact(m, "N", out var id)) Forget(id); });
            // Two first loads at once both subscribed: one listener is enough.
            if (Interlocked.CompareExchange(ref subscription, made, null) is not null) made.Dispose();
        }
        catch (Exception) { /* tried again on the next load; the cache time still bounds staleness */ }
    }

    SigningKey NewKey(Guid eventId, DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        return new SigningKey
        {
            // A random 31-bit id: unique across events by the primary key, and nothing to guess from it.
            KeyId = RandomNumberGenerator.GetInt32(1, int.MaxValue),
            EventId = eventId,
            CreatedAt = now,
            PublicKey = [.. parameters.Q.X!, .. parameters.Q.Y!],
            PrivateKeyProtected = protector.Protect(Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey())),
        };
    }

    async Task<EventKeys?> LoadAsync(TicketsDbContext db, Guid eventId, CancellationToken ct)
    {
        var ticketing = await db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.EventId == eventId, ct);
        if (ticketing is null) return null;
        var rows = await db.SigningKeys.AsNoTracking().Where(k => k.EventId == eventId).ToListAsync(ct);
        var keys = rows.Select(r => new TicketKey(r.KeyId, r.EventId, r.CreatedAt, r.RetiredAt, r.PublicKey, () =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(r.PrivateKeyProtected)), out _);
            return ecdsa;
        })).ToList();
        var loaded = new EventKeys(eventId, ticketing.OrganizerId, ticketing.RequireRotatingCodes,
            Convert.FromBase64String(protector.Unprotect(ticketing.DisplaySecretProtected)), keys, clock.GetUtcNow());
        events[eventId] = loaded;
        foreach (var key in keys) eventOfKey[key.KeyId] = eventId;
        return loaded;
    }
}
