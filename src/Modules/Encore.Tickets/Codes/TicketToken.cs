using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Encore.Tickets.Codes;

/// <summary>What a ticket's code says, signed by the event's key (docs/tickets.md has the layout byte by byte).</summary>
/// <param name="KeyId">The signing key (kid in the event's JWKS).</param>
/// <param name="TicketId">The ticket.</param>
/// <param name="PerformanceId">The performance it admits to.</param>
/// <param name="Generation">The ticket's generation when the code was made; an older one no longer admits.</param>
/// <param name="Standing">True when <paramref name="PlaceId"/> is a standing tier, false when it is a seat.</param>
/// <param name="PlaceId">The seat, or the standing tier.</param>
internal sealed record TicketClaims(int KeyId, Guid TicketId, Guid PerformanceId, int Generation, bool Standing, Guid PlaceId);

/// <summary>A code read off a QR: its claims, the signed bytes and signature, and the rotating part when present.</summary>
internal sealed record ParsedCode(TicketClaims Claims, byte[] Signed, byte[] Signature, uint? Step, byte[]? DisplayMac)
{
    public bool IsRotating => Step is not null;
}

/// <summary>
/// The binary code: a 56-byte payload, its 64-byte ES256 signature (IEEE P1363 r||s), and, in
/// rotating display mode, a 4-byte time step with a 6-byte MAC; the whole thing base64url without
/// padding (160 or 174 characters, a version 9 or 10 QR at medium error correction).
/// </summary>
internal static class TicketToken
{
    public const byte Version = 1;
    public const int PayloadLength = 56;
    public const int SignatureLength = 64;
    public const int SignedLength = PayloadLength + SignatureLength;
    public const int RotatingLength = SignedLength + 4 + DisplayCode.MacLength;
    /// <summary>Longest text a code can be; anything longer is not one of ours.</summary>
    public const int MaxTextLength = 200;

    public static byte[] Payload(TicketClaims c)
    {
        if (c.Generation is < 1 or > Model.Ticket.MaxGeneration) throw new ArgumentOutOfRangeException(nameof(c), "Generation is 1 to 65535.");
        var b = new byte[PayloadLength];
        b[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(1, 4), c.KeyId);
        c.TicketId.TryWriteBytes(b.AsSpan(5, 16), bigEndian: true, out _);
        c.PerformanceId.TryWriteBytes(b.AsSpan(21, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(37, 2), (ushort)c.Generation);
        b[39] = c.Standing ? (byte)1 : (byte)0;
        c.PlaceId.TryWriteBytes(b.AsSpan(40, 16), bigEndian: true, out _);
        return b;
    }

    /// <summary>Payload and signature: the static code's bytes.</summary>
    public static byte[] Sign(TicketClaims claims, ECDsa key)
    {
        var payload = Payload(claims);
        var signed = new byte[SignedLength];
        payload.CopyTo(signed, 0);
        if (!key.TrySignData(payload, signed.AsSpan(PayloadLength), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written) || written != SignatureLength)
            throw new CryptographicException("ES256 signature of an unexpected length.");
        return signed;
    }

    public static string Text(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Null when the text is not a well-formed code (its signature is not checked here).</summary>
    public static ParsedCode? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (text.Length > MaxTextLength) return null;
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(text); }
        catch (FormatException) { return null; }
        if (bytes.Length is not (SignedLength or RotatingLength) || bytes[0] != Version || bytes[39] > 1) return null;

        var generation = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(37, 2));
        if (generation == 0) return null;
        var claims = new TicketClaims(
            BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)),
            new Guid(bytes.AsSpan(5, 16), bigEndian: true),
            new Guid(bytes.AsSpan(21, 16), bigEndian: true),
            generation,
            bytes[39] == 1,
            new Guid(bytes.AsSpan(40, 16), bigEndian: true));
        var signed = bytes[..SignedLength];
        var signature = bytes[PayloadLength..SignedLength];
        if (bytes.Length == SignedLength) return new ParsedCode(claims, signed, signature, null, null);
        return new ParsedCode(claims, signed, signature,
            BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(SignedLength, 4)), bytes[(SignedLength + 4)..]);
    }

    public static bool Verify(ParsedCode code, ECDsa publicKey) =>
        publicKey.VerifyData(code.Signed.AsSpan(0, PayloadLength), code.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}

/// <summary>
/// The rotating display mode (SafeTix-like): the code on the holder's screen carries the current
/// 15-second step and a MAC over the signed code and that step, keyed by a secret only the ticket
/// (and the gate) knows. A screenshot stops admitting once its step is more than one step old.
/// </summary>
internal static class DisplayCode
{
    public const int StepSeconds = 15;
    public const int MacLength = 6;
    /// <summary>Steps either side of now that still admit: the QR refreshes while a gate reads it, and clocks drift.</summary>
    public const int Tolerance = 1;

    public static uint StepAt(DateTimeOffset now) => (uint)(now.ToUnixTimeSeconds() / StepSeconds);

    public static DateTimeOffset StepEnds(uint step) => DateTimeOffset.FromUnixTimeSeconds((step + 1L) * StepSeconds);

    /// <summary>The ticket's own secret: HMAC of the event's display secret over the ticket id and generation, so a reissue changes it.</summary>
    public static byte[] TicketSecret(ReadOnlySpan<byte> eventSecret, Guid ticketId, int generation)
    {
        Span<byte> input = stackalloc byte[16 + 16 + 2];
        "encore.display.1"u8.CopyTo(input);
        ticketId.TryWriteBytes(input[16..32], bigEndian: true, out _);
        BinaryPrimitives.WriteUInt16BigEndian(input[32..], (ushort)generation);
        return HMACSHA256.HashData(eventSecret, input);
    }

    public static byte[] Mac(ReadOnlySpan<byte> ticketSecret, ReadOnlySpan<byte> signed, uint step)
    {
        var input = new byte[signed.Length + 4];
        signed.CopyTo(input);
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(signed.Length), step);
        return HMACSHA256.HashData(ticketSecret, input)[..MacLength];
    }

    public static byte[] Rotating(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> ticketSecret, uint step)
    {
        var bytes = new byte[TicketToken.RotatingLength];
        signed.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(TicketToken.SignedLength, 4), step);
        Mac(ticketSecret, signed, step).CopyTo(bytes.AsSpan(TicketToken.SignedLength + 4));
        return bytes;
    }

    /// <summary>True when the code's step is within tolerance of now and its MAC is the ticket's.</summary>
    public static bool IsCurrent(ParsedCode code, ReadOnlySpan<byte> ticketSecret, DateTimeOffset now)
    {
        if (code.Step is not { } step || code.DisplayMac is not { } mac) return false;
        var current = (long)StepAt(now);
        if (Math.Abs(current - step) > Tolerance) return false;
        return CryptographicOperations.FixedTimeEquals(Mac(ticketSecret, code.Signed, step), mac);
    }
}
