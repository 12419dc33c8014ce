using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Encore.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Identity;

/// <summary>With a certificate configured, Data Protection's key ring is encrypted where it is stored, the database.</summary>
public sealed class KeyRingProtectionTests : IDisposable
{
    const string Password = "key-ring-test-password";
    readonly string directory = Directory.CreateTempSubdirectory("encore-keyring-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_key_ring_is_stored_encrypted_and_another_instance_with_the_certificate_reads_it()
    {
        var certificate = NewCertificateFile("current");
        await using var first = EncoreAppFactory.Postgres()
            .With("Encore:DataProtection:Certificate:Path", certificate)
            .With("Encore:DataProtection:Certificate:Password", Password);
        var sealedOnFirst = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test").Protect("the gate's secret");

        await using (var scope = first.Services.CreateAsyncScope())
        {
            var keys = await scope.ServiceProvider.GetRequiredService<IdentityDb>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("encryptedSecret", xml!);
                Assert.DoesNotContain("<value>", xml!);
            });
        }

        await using var second = first.AnotherInstance();
        Assert.Equal("the gate's secret", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test").Unprotect(sealedOnFirst));
    }

    [Fact]
    public void A_certificate_that_cannot_be_loaded_stops_the_start_with_the_setting_named()
    {
        using var factory = EncoreAppFactory.Sqlite()
            .With("Encore:DataProtection:Certificate:Path", Path.Combine(directory, "missing.pfx"))
            .With("Encore:DataProtection:Certificate:Password", Password);

        var error = Assert.Throws<InvalidOperationException>(() => factory.Services);

        Assert.Contains("Encore:DataProtection:Certificate", error.Message);
    }

    string NewCertificateFile(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Encore key ring {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var path = Path.Combine(directory, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }
}
