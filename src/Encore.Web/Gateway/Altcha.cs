using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Encore.Web.Gateway;

/// <summary>An ALTCHA challenge as the widget fetches it.</summary>
internal sealed record AltchaChallenge(string Algorithm, string Challenge, long Maxnumber, string Salt, string Signature);

/// <summary>What the widget sends back, base64-encoded JSON.</summary>
internal sealed record AltchaPayload(string? Algorithm, string? Challenge, long? Number, string? Salt, string? Signature);

internal enum AltchaVerdict { Valid, Malformed, BadSignature, Expired, WrongScope, OutOfRange, TooEasy }

/// <summary>
/// The ALTCHA proof-of-work protocol (altcha-lib's v1): the server picks a secret number n ≤ maxnumber
/// and sends challenge = SHA-256(salt + n) with signature = HMAC-SHA-256(key, challenge); the browser
/// finds n by trying. The salt carries our parameters after '?' — expiry, scope and maxnumber — so
/// the signature covers them and none can be changed.
/// </summary>
internal static class Altcha
{
    public const string Algorithm = "SHA-256";

    public static AltchaChallenge Create(string hmacKey, string scope, long maxNumber, DateTimeOffset expires)
    {
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))
            + $"?expires={expires.ToUnixTimeSeconds()}&scope={Uri.EscapeDataString(scope)}&max={maxNumber}&";
        var number = RandomNumberGenerator.GetInt32(0, (int)Math.Min(int.MaxValue, maxNumber + 1));
        var challenge = Hash(salt, number);
        return new AltchaChallenge(Algorithm, challenge, maxNumber, salt, Sign(hmacKey, challenge));
    }

    /// <summary>Brute force, as a browser does: for tests and tools.</summary>
    public static long? Solve(AltchaChallenge challenge)
    {
        for (long n = 0; n <= challenge.Maxnumber; n++)
            if (Hash(challenge.Salt, n) == challenge.Challenge) return n;
        return null;
    }

    public static string Encode(AltchaPayload payload) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(payload, Json));

    /// <summary>Checks everything but single use; <paramref name="signature"/> is what single use is keyed on.</summary>
    public static AltchaVerdict Verify(string? encoded, string hmacKey, string scope, long requiredMaxNumber, DateTimeOffset now,
        out string? signature, out DateTimeOffset expires)
    {
        signature = null;
        expires = default;
        if (Decode(encoded) is not { Algorithm: Algorithm, Challenge: { Length: 64 } challenge, Number: { } number, Salt: { Length: <= 200 } salt, Signature: { Length: 64 } sig })
            return AltchaVerdict.Malformed;
        var query = salt.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? salt[(q + 1)..] : "";
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
        if (!long.TryParse(parameters.GetValueOrDefault("expires").ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            || !long.TryParse(parameters.GetValueOrDefault("max").ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            || expiresAt > 4_000_000_000)
            return AltchaVerdict.Malformed;

        // The signature first: nothing a client made up gets further.
        if (!FixedEquals(Hash(salt, number), challenge) || !FixedEquals(Sign(hmacKey, challenge), sig)) return AltchaVerdict.BadSignature;
        signature = sig;
        expires = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        if (expires <= now) return AltchaVerdict.Expired;
        if (parameters.GetValueOrDefault("scope").ToString() != scope) return AltchaVerdict.WrongScope;
        if (number < 0 || number > max) return AltchaVerdict.OutOfRange;
        if (max < requiredMaxNumber) return AltchaVerdict.TooEasy;
        return AltchaVerdict.Valid;
    }

    static AltchaPayload? Decode(string? encoded)
    {
        if (encoded is not { Length: > 0 and <= 2048 }) return null;
        try
        {
            var bytes = Convert.FromBase64String(encoded.Trim());
            return JsonSerializer.Deserialize<AltchaPayload>(bytes, Json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public static string Hash(string salt, long number) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + number.ToString(CultureInfo.InvariantCulture))));

    // altcha-lib signs with the key's text as UTF-8, so a key works the same in its tools and ours.
    public static string Sign(string hmacKey, string challenge) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hmacKey), Encoding.UTF8.GetBytes(challenge)));

    static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
