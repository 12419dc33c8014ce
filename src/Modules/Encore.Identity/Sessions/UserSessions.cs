using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Encore.Identity.Sessions;

internal enum StepUpOutcome { Completed, WrongCode, Expired, NoSession }

/// <summary>
/// Server-side sessions for the auth cookie. Signing in creates a row (pending when the step-up
/// policy asks for a code); every request checks the row and the device cookie, so a revoked
/// session or a cookie replayed from another browser stops working on every instance at once.
/// </summary>
internal sealed class UserSessions
{
    internal const string SessionIdItem = "encore.sid";
    internal const string PendingStepUpItem = "encore.step-up-session";
    static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    readonly IdentityDb db;
    readonly DeviceCookie devices;
    readonly ICountryLookup countries;
    readonly IStepUpPolicy policy;
    readonly AccountEmails emails;
    readonly TimeProvider clock;
    readonly StepUpOptions stepUp;
    readonly ILogger<UserSessions> log;

    public UserSessions(IdentityDb db, DeviceCookie devices, ICountryLookup countries, IStepUpPolicy policy, AccountEmails emails,
        TimeProvider clock, IOptions<StepUpOptions> stepUp, ILogger<UserSessions> log)
    {
        this.db = db;
        this.devices = devices;
        this.countries = countries;
        this.policy = policy;
        this.emails = emails;
        this.clock = clock;
        this.stepUp = stepUp.Value;
        this.log = log;
    }

    /// <summary>Sessions idle for longer than the cookie's sliding lifetime are over.</summary>
    public static TimeSpan IdleLifetime { get; } = TimeSpan.FromDays(14);

    /// <summary>The session of this request, once the cookie has been validated.</summary>
    public static Guid? Current(HttpContext http) => http.Items[SessionIdItem] as Guid?;

    /// <summary>The session waiting for a step-up code in this request's cookie, if any.</summary>
    public static Guid? PendingStepUp(HttpContext http) => http.Items[PendingStepUpItem] as Guid?;

    internal async Task OnSigningInAsync(CookieSigningInContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        if (!Guid.TryParse(context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return;
        var deviceId = devices.Ensure(http);

        // A refresh (after a password change, a role change) keeps a session that is still good.
        if (context.Properties.Items.TryGetValue(SessionIdItem, out var existing) && Guid.TryParse(existing, out var existingId)
            && await db.UserSessions.AnyAsync(s => s.Id == existingId && s.UserId == userId && s.DeviceId == deviceId && s.RevokedAt == null && s.StepUp == StepUpReason.None, ct))
        {
            http.Items[SessionIdItem] = existingId;
            return;
        }

        var now = clock.GetUtcNow();
        var country = countries.CountryOf(http);
        var amr = context.Principal!.FindAll("amr").Select(c => c.Value).ToList();
        var reason = await policy.DecideAsync(new SignInAttempt(userId, deviceId, country, amr.Contains("mfa") || amr.Contains("pop")), ct);
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            DeviceId = deviceId,
            DeviceSignalHash = DeviceCookie.SignalHash(http),
            UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512),
            Country = country,
            CreatedAt = now,
            LastSeenAt = now,
            StepUp = reason,
        };
        db.UserSessions.Add(session);
        string? code = null;
        if (reason != StepUpReason.None)
        {
            code = NewCode();
            session.StepUpCodeHash = CodeHash(session.Id, code);
            session.StepUpExpiresAt = now + stepUp.CodeLifetime;
            http.Items[PendingStepUpItem] = session.Id;
        }
        else
        {
            await RememberAsync(session, now, ct);
            http.Items[SessionIdItem] = session.Id;
        }
        await db.SaveChangesAsync(ct);
        context.Properties.Items[SessionIdItem] = session.Id.ToString();

        if (code is not null && await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct) is { } email)
        {
            log.LogInformation("Sign-in to {UserId} needs a step-up code ({Reason})", userId, reason);
            await emails.SendStepUpCodeAsync(email, code, reason, UserAgents.Describe(session.UserAgent), country, stepUp.CodeLifetime);
        }
    }

    internal async Task OnValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var session = context.Properties.Items.TryGetValue(SessionIdItem, out var raw) && Guid.TryParse(raw, out var id)
            ? await db.UserSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct)
            : null;
        var now = clock.GetUtcNow();
        if (session is null || session.RevokedAt is not null || session.LastSeenAt + IdleLifetime < now
            || session.UserId.ToString() != context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier))
        {
            await RejectAsync(context);
            return;
        }
        if (devices.Read(http) != session.DeviceId || (session.DeviceSignalHash is not null && DeviceCookie.SignalHash(http) != session.DeviceSignalHash))
        {
            // The cookie travelled without its device: treat it as stolen and end the session for good.
            log.LogWarning("Session {SessionId} of {UserId} presented from another device; revoked", session.Id, session.UserId);
            await db.UserSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);
            await RejectAsync(context);
            return;
        }
        if (session.StepUp != StepUpReason.None)
        {
            // Signed out everywhere but on the step-up page, which finds the session through this item.
            http.Items[PendingStepUpItem] = session.Id;
            context.RejectPrincipal();
            return;
        }
        http.Items[SessionIdItem] = session.Id;
        if (now - session.LastSeenAt > LastSeenResolution)
            await db.UserSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    internal async Task OnSigningOutAsync(CookieSigningOutContext context)
    {
        var http = context.HttpContext;
        if ((Current(http) ?? PendingStepUp(http)) is { } id)
            await RevokeAsync(s => s.Id == id, http.RequestAborted);
    }

    static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }

    public async Task<StepUpOutcome> CompleteStepUpAsync(Guid sessionId, string code, CancellationToken ct)
    {
        var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == sessionId && s.RevokedAt == null && s.StepUp != StepUpReason.None, ct);
        if (session is null) return StepUpOutcome.NoSession;
        var now = clock.GetUtcNow();
        if (session.StepUpExpiresAt < now || session.StepUpAttempts >= stepUp.MaxAttempts)
        {
            session.RevokedAt = now;
            await db.SaveChangesAsync(ct);
            return StepUpOutcome.Expired;
        }
        var expected = Convert.FromHexString(session.StepUpCodeHash!);
        var given = Convert.FromHexString(CodeHash(session.Id, code.Trim()));
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            // Counted with a conditional update, so parallel guesses on several instances all count.
            var counted = await db.UserSessions.Where(s => s.Id == session.Id && s.StepUpAttempts == session.StepUpAttempts)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.StepUpAttempts, s => s.StepUpAttempts + 1), ct);
            return counted == 1 && session.StepUpAttempts + 1 < stepUp.MaxAttempts ? StepUpOutcome.WrongCode : await ExpireAsync(session.Id, now, ct);
        }
        return await CompleteAsync(session, now, ct);
    }

    /// <summary>Completes a pending session by another proof (an authenticator code, a passkey) that the caller has checked.</summary>
    public async Task<StepUpOutcome> CompleteStepUpByOtherProofAsync(Guid sessionId, CancellationToken ct)
    {
        var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == sessionId && s.RevokedAt == null && s.StepUp != StepUpReason.None, ct);
        return session is null ? StepUpOutcome.NoSession : await CompleteAsync(session, clock.GetUtcNow(), ct);
    }

    async Task<StepUpOutcome> CompleteAsync(UserSession session, DateTimeOffset now, CancellationToken ct)
    {
        var reason = session.StepUp;
        // Single use: the conditional update wins once even if the code is sent twice at once.
        var completed = await db.UserSessions.Where(s => s.Id == session.Id && s.StepUp != StepUpReason.None && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.StepUp, StepUpReason.None)
                .SetProperty(s => s.StepUpCodeHash, (string?)null)
                .SetProperty(s => s.StepUpExpiresAt, (DateTimeOffset?)null)
                .SetProperty(s => s.LastSeenAt, now), ct);
        if (completed == 0) return StepUpOutcome.NoSession;
        await RememberAsync(session, now, ct);
        await db.SaveChangesAsync(ct);
        if (await db.Users.Where(u => u.Id == session.UserId).Select(u => u.Email).SingleOrDefaultAsync(ct) is { } email)
            await emails.SendNewSignInAsync(email, reason, UserAgents.Describe(session.UserAgent), session.Country, now);
        return StepUpOutcome.Completed;
    }

    async Task<StepUpOutcome> ExpireAsync(Guid sessionId, DateTimeOffset now, CancellationToken ct)
    {
        await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);
        return StepUpOutcome.Expired;
    }

    /// <summary>Sends a fresh code for a pending session; the old one stops working.</summary>
    public async Task<bool> ResendStepUpCodeAsync(Guid sessionId, CancellationToken ct)
    {
        var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == sessionId && s.RevokedAt == null && s.StepUp != StepUpReason.None, ct);
        if (session is null) return false;
        var email = await db.Users.Where(u => u.Id == session.UserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        if (email is null) return false;
        var code = NewCode();
        session.StepUpCodeHash = CodeHash(session.Id, code);
        session.StepUpExpiresAt = clock.GetUtcNow() + stepUp.CodeLifetime;
        await db.SaveChangesAsync(ct);
        await emails.SendStepUpCodeAsync(email, code, session.StepUp, UserAgents.Describe(session.UserAgent), session.Country, stepUp.CodeLifetime);
        return true;
    }

    public sealed record SessionView(Guid Id, string Device, string? Country, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, bool IsCurrent);

    public async Task<IReadOnlyList<SessionView>> ActiveAsync(Guid userId, Guid? current, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - IdleLifetime;
        var rows = await db.UserSessions
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.StepUp == StepUpReason.None && s.LastSeenAt > since)
            .OrderByDescending(s => s.LastSeenAt)
            .ToListAsync(ct);
        return rows.Select(s => new SessionView(s.Id, UserAgents.Describe(s.UserAgent), s.Country, s.CreatedAt, s.LastSeenAt, s.Id == current)).ToList();
    }

    /// <summary>Revokes one of the user's sessions; false when the user has no such session.</summary>
    public async Task<bool> RevokeAsync(Guid userId, Guid sessionId, CancellationToken ct) =>
        await RevokeAsync(s => s.Id == sessionId && s.UserId == userId, ct) > 0;

    public Task<int> RevokeOthersAsync(Guid userId, Guid current, CancellationToken ct) =>
        RevokeAsync(s => s.UserId == userId && s.Id != current, ct);

    public Task<int> RevokeAllAsync(Guid userId, CancellationToken ct) => RevokeAsync(s => s.UserId == userId, ct);

    Task<int> RevokeAsync(System.Linq.Expressions.Expression<Func<UserSession, bool>> which, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions.Where(which).Where(s => s.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);
    }

    async Task RememberAsync(UserSession session, DateTimeOffset now, CancellationToken ct)
    {
        var device = await db.KnownDevices.SingleOrDefaultAsync(d => d.UserId == session.UserId && d.DeviceId == session.DeviceId, ct);
        if (device is null) db.KnownDevices.Add(new KnownDevice { UserId = session.UserId, DeviceId = session.DeviceId, UserAgent = session.UserAgent, FirstSeenAt = now, LastSeenAt = now });
        else
        {
            device.LastSeenAt = now;
            device.UserAgent = session.UserAgent;
        }
        if (session.Country is { } country && !await db.KnownCountries.AnyAsync(c => c.UserId == session.UserId && c.Country == country, ct))
            db.KnownCountries.Add(new KnownCountry { UserId = session.UserId, Country = country, FirstSeenAt = now });
    }

    static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    static string CodeHash(Guid sessionId, string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId.ToString("N") + ":" + code)));

    static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
