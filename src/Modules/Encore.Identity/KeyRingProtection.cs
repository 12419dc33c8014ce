using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;

namespace Encore.Identity;

/// <summary>
/// Data Protection's key ring lives in the database beside what it seals: the OIDC and ticket signing
/// keys, the waiting room's admission keys, webhook secrets, the device cookie. Kept in the clear, a
/// copy of the database alone opens all of them. With <c>Encore:DataProtection:Certificate:Path</c>
/// (a PKCS#12 file) and <c>:Password</c> configured, every key of the ring is encrypted at rest with
/// that certificate's public key, and only an instance holding its private key can read the ring.
/// <c>:PreviousPaths</c> (with the same password) keep keys written under older certificates
/// readable: a ring key retires but is never deleted, and what it sealed is read with it for years. Without a certificate the ring stays in the
/// clear (and the framework logs a warning at start): fine for a laptop, not for production.
/// </summary>
internal static class KeyRingProtection
{
    public const string Section = "Encore:DataProtection:Certificate";

    public static IDataProtectionBuilder ProtectKeysAtRest(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (section["Path"] is not { Length: > 0 } path) return builder;
        var password = section["Password"];
        builder.ProtectKeysWithCertificate(Load(path, password));
        var previous = section.GetSection("PreviousPaths").Get<string[]>() ?? [];
        if (previous.Length > 0) builder.UnprotectKeysWithAnyCertificate([.. previous.Select(p => Load(p, password))]);
        return builder;
    }

    static X509Certificate2 Load(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            if (!certificate.HasPrivateKey) throw new InvalidOperationException($"{Section}: {path} has no private key; the key ring could not be read back.");
            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{Section}: cannot load {path} ({ex.Message}).", ex);
        }
    }
}
