using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>
/// A client of the bot gate as a browser is: fetch an ALTCHA challenge for a scope, find the number
/// (SHA-256 of salt + n equals the challenge), send the solution base64-encoded in X-Altcha.
/// </summary>
public static class Altcha
{
    public const string Header = "X-Altcha";

    public static async Task<string> SolveAsync(HttpClient http, Buyer buyer, string scope, CancellationToken ct = default) =>
        (await TrySolveAsync(http, buyer, scope, ct)).Proof
        ?? throw new HttpRequestException("The challenge endpoint refused.");

    /// <summary>The proof, or the status with which the challenge endpoint refused (429, 503 under load).</summary>
    public static async Task<(string? Proof, int Status)> TrySolveAsync(HttpClient http, Buyer buyer, string scope, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/bot-defense/challenge?scope={scope}");
        buyer.Apply(request);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) return (null, (int)response.StatusCode);
        var challenge = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var salt = challenge["salt"]!.GetValue<string>();
        var target = challenge["challenge"]!.GetValue<string>();
        var max = challenge["maxnumber"]!.GetValue<long>();
        var number = Solve(salt, target, max) ?? throw new InvalidOperationException("Challenge without a solution.");
        var payload = new JsonObject
        {
            ["algorithm"] = challenge["algorithm"]!.GetValue<string>(), ["challenge"] = target, ["number"] = number,
            ["salt"] = salt, ["signature"] = challenge["signature"]!.GetValue<string>(),
        };
        return (Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())), 200);
    }

    public static long? Solve(string salt, string challenge, long max)
    {
        var expected = Convert.FromHexString(challenge);
        Span<byte> hash = stackalloc byte[32];
        var input = new byte[Encoding.UTF8.GetByteCount(salt) + 20];
        var prefix = Encoding.UTF8.GetBytes(salt, input);
        for (long n = 0; n <= max; n++)
        {
            n.TryFormat(input.AsSpan(prefix), out var written, default, CultureInfo.InvariantCulture);
            SHA256.HashData(input.AsSpan(0, prefix + written), hash);
            if (hash.SequenceEqual(expected)) return n;
        }
        return null;
    }
}

public static class BotGate
{
    /// <summary>Whether this build asks for a proof of work on holds (it serves challenges).</summary>
    public static async Task<bool> EnabledAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/api/bot-defense/challenge?scope=hold");
        return response.IsSuccessStatusCode;
    }
}
