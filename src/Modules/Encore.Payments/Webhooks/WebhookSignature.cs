using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Encore.Payments.Webhooks;

/// <summary>
/// Stripe's webhook signature: <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>
/// (several v1 entries while a secret is rolled). Checked in constant time, within a tolerance around
/// our clock so that a captured request cannot be replayed later.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "Stripe-Signature";

    public static string Sign(string secret, long timestamp, string body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";

    public static SignatureCheck Verify(string? header, string body, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header)) return SignatureCheck.Missing;
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) timestamp = t;
            else if (key == "v1" && value.Length == 64 && value.All(char.IsAsciiHexDigit)) signatures.Add(Convert.FromHexString(value));
        }
        if (timestamp is null || signatures.Count == 0) return SignatureCheck.Malformed;

        var expected = Mac(secret, timestamp.Value, body);
        var matched = false;
        // Compare against every candidate so the time taken does not tell which one matched.
        foreach (var candidate in signatures)
            matched |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        if (!matched) return SignatureCheck.Mismatch;

        var age = now.ToUnixTimeSeconds() - timestamp.Value;
        return Math.Abs(age) > tolerance.TotalSeconds ? SignatureCheck.OutsideTolerance : SignatureCheck.Valid;
    }

    static byte[] Mac(string secret, long timestamp, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body));
}

internal enum SignatureCheck { Valid, Missing, Malformed, Mismatch, OutsideTolerance }
