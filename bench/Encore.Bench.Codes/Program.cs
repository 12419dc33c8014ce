using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Encore.Tickets.Codes;

// Offline verification throughput: what a gate device does with each code when the network is
// gone. Codes are made by the module's signer; the verifier sees only the JWKS (x, y) and the
// revocation list, as docs/tickets.md describes. One verification = parse, key lookup by kid,
// ES256 verify, revocation and generation lookup, doors window, and (with --rotating) the MAC.
//   dotnet run -c Release --project bench/Encore.Bench.Codes -- --seconds 5 --threads 1 [--rotating]
var seconds = Arg("--seconds", 5);
var threads = Arg("--threads", 1);
var rotating = args.Contains("--rotating");
const int Codes = 1000;

using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var q = signer.ExportParameters(false).Q;
var keyId = 0x2f00a1b2;
var eventSecret = RandomNumberGenerator.GetBytes(32);
var performanceId = Guid.CreateVersion7();
var texts = new string[Codes];
var step = DisplayCode.StepAt(DateTimeOffset.UtcNow);
for (var i = 0; i < Codes; i++)
{
    var claims = new TicketClaims(keyId, Guid.CreateVersion7(), performanceId, 1 + i % 3, i % 2 == 0, Guid.CreateVersion7());
    var signed = TicketToken.Sign(claims, signer);
    texts[i] = TicketToken.Text(rotating ? DisplayCode.Rotating(signed, DisplayCode.TicketSecret(eventSecret, claims.TicketId, claims.Generation), step) : signed);
}

// What the device downloaded: the JWK's coordinates, a revocation list, the current generations, the window.
var jwkX = Base64Url.EncodeToString(q.X);
var jwkY = Base64Url.EncodeToString(q.Y);
var keys = new Dictionary<int, TicketKey> { [keyId] = new(keyId, Guid.Empty, DateTimeOffset.UtcNow, null, [.. Base64Url.DecodeFromChars(jwkX), .. Base64Url.DecodeFromChars(jwkY)], null) };
var voided = new HashSet<Guid>(Enumerable.Range(0, 5000).Select(_ => Guid.CreateVersion7()));
var generations = new Dictionary<Guid, int>();
var (doors, ends) = (DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(3));

long Verify(int thread, Stopwatch clock, TimeSpan duration)
{
    long done = 0, admitted = 0;
    var i = thread * 7;
    while (clock.Elapsed < duration)
    {
        for (var batch = 0; batch < 256; batch++, i++)
        {
            var code = TicketToken.Parse(texts[i % Codes]);
            if (code is null || !keys.TryGetValue(code.Claims.KeyId, out var key) || !key.Verify(code)) continue;
            var c = code.Claims;
            if (voided.Contains(c.TicketId) || (generations.TryGetValue(c.TicketId, out var g) && g != c.Generation)) continue;
            if (c.PerformanceId != performanceId) continue;
            var now = DateTimeOffset.UtcNow;
            if (now < doors || now > ends) continue;
            if (rotating && !DisplayCode.IsCurrent(code, DisplayCode.TicketSecret(eventSecret, c.TicketId, c.Generation), now)) continue;
            admitted++;
        }
        done += 256;
    }
    if (admitted != done) throw new InvalidOperationException($"{done - admitted} of {done} genuine codes were refused");
    return done;
}

Verify(0, Stopwatch.StartNew(), TimeSpan.FromSeconds(1)); // warm-up (JIT, OpenSSL)
// CPU time as well as wall time: on a shared machine the threads do not get whole cores, and
// verifications per CPU-second is the per-core figure that does not depend on the neighbours.
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var watch = Stopwatch.StartNew();
var counts = await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() => Verify(t, watch, TimeSpan.FromSeconds(seconds)), TaskCreationOptions.LongRunning)));
var elapsed = watch.Elapsed.TotalSeconds;
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var total = counts.Sum();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{total} offline verifications ({(rotating ? "rotating" : "static")} codes) in {elapsed:F1} s on {threads} thread(s): {total / elapsed:F0}/s wall, {total / cpu:F0} per CPU-second; {Environment.ProcessorCount} cores, {RuntimeInformationText()}"));
return 0;

int Arg(string name, int fallback) =>
    Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;

static string RuntimeInformationText() => $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
