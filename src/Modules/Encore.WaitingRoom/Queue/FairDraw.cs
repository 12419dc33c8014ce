using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Encore.WaitingRoom.Queue;

/// <summary>
/// The verifiable shuffle of the pre-queue (docs/waiting-room.md). A 32-byte seed is drawn when the
/// queue is set up and its SHA-256 published at once; after the pre-queue is sealed the seed is
/// revealed. Entry i (1-based arrival order) gets the key HMAC-SHA256(seed, decimal i); numbers are
/// given in ascending key order (bytewise). Anyone can recompute the order from the seed and the count.
/// </summary>
internal static class FairDraw
{
    public const string Algorithm =
        "commitment = hex(SHA-256(seed)); key(i) = HMAC-SHA256(key = seed, message = ASCII decimal of entry id i, no leading zeros), " +
        "for every entry id i from 1 to preQueueEntries; order = entry ids sorted by key ascending (unsigned bytewise); " +
        "the entry at index k (0-based) of order gets number k + 1; later arrivals get preQueueEntries + 1, + 2, ... in arrival order.";

    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(32);

    public static string Commitment(byte[] seed) => Convert.ToHexStringLower(SHA256.HashData(seed));

    static byte[] Key(byte[] seed, int entry) =>
        HMACSHA256.HashData(seed, Encoding.ASCII.GetBytes(entry.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The entry ids in drawn order: element k holds number k + 1.</summary>
    public static int[] Order(byte[] seed, int count)
    {
        var keys = new byte[count][];
        for (var i = 0; i < count; i++) keys[i] = Key(seed, i + 1);
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i + 1;
        Array.Sort(order, (a, b) => keys[a - 1].AsSpan().SequenceCompareTo(keys[b - 1]));
        return order;
    }

    /// <summary>numbers[i] is the number of entry i + 1.</summary>
    public static int[] Numbers(byte[] seed, int count)
    {
        var order = Order(seed, count);
        var numbers = new int[count];
        for (var k = 0; k < count; k++) numbers[order[k] - 1] = k + 1;
        return numbers;
    }
}
