using System.Security.Cryptography;
using Encore.Identity.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Infrastructure;

/// <summary>
/// RSA pairs for the OIDC key ring of the apps the tests start. Every app on a fresh database makes a
/// signing and an encryption key, and a 2048-bit pair takes a few hundred milliseconds of CPU to
/// generate: on the test machine's 2 cores that was a tenth to half of the suite's CPU. The pairs are
/// generated once per test run and handed out in turn, each as a new <see cref="RSA"/> object, so
/// consecutive keys of one app (a rotation) still differ.
/// </summary>
public static class TestRsaKeys
{
    const int Pairs = 8;
    static readonly Lazy<byte[]>[] pairs = Enumerable.Range(0, Pairs)
        .Select(_ => new Lazy<byte[]>(() => { using var rsa = RSA.Create(2048); return rsa.ExportPkcs8PrivateKey(); }))
        .ToArray();
    static int next = -1;

    public static RSA Next()
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pairs[(uint)Interlocked.Increment(ref next) % Pairs].Value, out _);
        return rsa;
    }

    /// <summary>Makes the app's key ring take its pairs from here.</summary>
    public static void Use(IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(OidcKeyOptions)))
            if (descriptor.ImplementationInstance is OidcKeyOptions options) options.NewRsa = Next;
    }
}
