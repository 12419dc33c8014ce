using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Encore.Identity.Mfa;

/// <summary>RFC 6238 time-based one-time passwords: 30-second steps, HMAC-SHA-1, six digits.</summary>
internal static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>How many steps either side of now a code may come from: one, for clock drift and typing time.</summary>
    public const int Tolerance = 1;

    public static long StepAt(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / StepSeconds;

    public static string Code(ReadOnlySpan<byte> key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);
        // RFC 4226 dynamic truncation.
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The step within the tolerance whose code this is, or null. Spaces and hyphens are ignored.</summary>
    public static long? MatchingStep(ReadOnlySpan<byte> key, string? code, DateTimeOffset now)
    {
        var typed = Normalize(code);
        if (typed is null) return null;
        var current = StepAt(now);
        long? match = null;
        // Every candidate is compared, in constant time, so the timing says nothing about which matched.
        for (var step = current - Tolerance; step <= current + Tolerance; step++)
        {
            var expected = Code(key, step);
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(typed)))
                match ??= step;
        }
        return match;
    }

    static string? Normalize(string? code)
    {
        if (code is null) return null;
        var digits = new string(code.Where(c => c is not (' ' or '-')).ToArray());
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>The authenticator key as stored (RFC 4648 base32, as Identity generates it), or null when it is not base32.</summary>
    public static byte[]? DecodeKey(string? base32)
    {
        if (string.IsNullOrWhiteSpace(base32)) return null;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(base32.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in base32)
        {
            if (c is '=' or ' ' or '-') continue;
            var value = alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0) return null;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return output.Count > 0 ? output.ToArray() : null;
    }
}
