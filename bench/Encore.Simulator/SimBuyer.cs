using System.Globalization;
using Encore.Bench;

namespace Encore.Simulator;

enum Transport { Poll, WebSocket, Sse }

/// <summary>
/// One simulated buyer: an account from <c>bench-buyers</c> (user id, bearer token), how it waits,
/// and what it saw of its place in the queue. Greedy buyers are scalpers at 100× a human's rate;
/// flagged ones also report automation from their device and are shadow-banned by the admin during setup.
/// </summary>
sealed class SimBuyer(int index, Guid userId, string email, string token, bool greedy, bool flagged)
{
    public int Index { get; } = index;
    public Guid UserId { get; } = userId;
    public string Email { get; } = email;
    public string Token { get; } = token;
    public bool Greedy { get; } = greedy;
    public bool Flagged { get; } = flagged;
    public Transport Transport { get; set; }

    /// <summary>The browser as the API sees it once the device report gave it the device cookie.</summary>
    public Buyer Client { get; set; } = new(token, null, flagged);

    // What the client saw of its place (Unix ms for times; client and servers share one clock).
    public bool Joined;
    public long JoinSentMs, JoinReceivedMs;
    public long EntryId;
    public long? Number;
    public string State = "none";
    public long? AdmittedSeenMs;
    public long? ServingWhenAdmitted;
    public string? AdmissionToken;

    /// <summary>The first <paramref name="count"/> lines of a bench-buyers file; the first greedy-share of them are bots, half of those flagged.</summary>
    public static SimBuyer[] Load(string path, int count, double greedyShare)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0).Take(count).Select(l => l.Split('\t')).ToArray();
        if (lines.Length < count) throw new InvalidOperationException($"{count} buyers asked for, {lines.Length} in {path} (run bench-buyers with a larger --count).");
        var greedy = Math.Max(2, (int)Math.Round(count * greedyShare));
        var flagged = greedy / 2;
        return [.. lines.Select((l, i) => new SimBuyer(i, Guid.Parse(l[1], CultureInfo.InvariantCulture), l[2], l[3], i < greedy, i < flagged))];
    }
}
