using Encore.BuildingBlocks.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Encore.WaitingRoom.Tokens;

/// <summary>
/// Admission tokens: ES256 JWTs saying "this account, on this device, may hold seats of this event
/// until then". Short-lived (the on-sale's admission lifetime) and checked against the queue store
/// too, so leaving checkout ends one at once. A buyer sends theirs with every hold, so its signature
/// is verified once per instance (<see cref="VerifiedTokens{T}"/>) and its claims checked every time.
/// </summary>
internal sealed class AdmissionTokens(AdmissionKeyRing keys, TimeProvider clock) : IDisposable
{
    public const string Issuer = "encore-waiting-room";
    public const string Audience = "encore-holds";
    public const string DeviceClaim = "dev";
    public const string EventClaim = "evt";
    public const string HeaderName = "Encore-Admission";
    static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    readonly VerifiedTokens<Admission> verified = new(clock, 20_000);

    /// <summary>What a genuine token says.</summary>
    sealed record Admission(string? Account, string? Device, string? Event, DateTimeOffset Until);

    public static string CookieName(Guid eventId) => $"encore.admission.{eventId:N}";

    public async Task<string> IssueAsync(Guid eventId, Guid accountId, Guid deviceId, DateTimeOffset expires, CancellationToken ct)
    {
        var key = await keys.SigningKeyAsync(ct);
        var now = clock.GetUtcNow();
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = accountId.ToString("D"),
                [DeviceClaim] = deviceId.ToString("D"),
                [EventClaim] = eventId.ToString("D"),
                [JwtRegisteredClaimNames.Jti] = Guid.CreateVersion7(now).ToString("N"),
            },
        });
    }

    /// <summary>Why a token does not admit this account on this device to this event; null when it does.</summary>
    public async Task<string?> ProblemAsync(string token, Guid eventId, Guid accountId, Guid? deviceId, CancellationToken ct)
    {
        if (token.Length > 4096) return "The admission token is not valid.";
        if (!verified.TryGet(token, out var admission))
        {
            var result = await ValidateAsync(token, await keys.ValidationKeysAsync(false, ct));
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
                result = await ValidateAsync(token, await keys.ValidationKeysAsync(true, ct));
            if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return "The admission token is not valid.";
            admission = new Admission(
                jwt.Subject,
                jwt.TryGetPayloadValue<string>(DeviceClaim, out var dev) ? dev : null,
                jwt.TryGetPayloadValue<string>(EventClaim, out var evt) ? evt : null,
                new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
            verified.Remember(token, admission, admission.Until);
        }
        if (admission.Until <= clock.GetUtcNow()) return "Your admission has ended. Join the queue again.";
        if (admission.Event != eventId.ToString("D")) return "This admission token is for another on-sale.";
        if (admission.Account != accountId.ToString("D")) return "This admission token belongs to another account.";
        if (deviceId is null || admission.Device != deviceId.Value.ToString("D"))
            return "This admission token was issued to another device or browser.";
        return null;
    }

    static Task<TokenValidationResult> ValidateAsync(string token, IReadOnlyList<SecurityKey> signingKeys) =>
        Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            // Lifetime is checked against the app's TimeProvider above, so tests can move time.
            ValidateLifetime = false,
            RequireExpirationTime = true,
        });

    public void Dispose() => verified.Dispose();
}
