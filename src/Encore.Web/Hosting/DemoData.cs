using Encore.BuildingBlocks.Persistence;
using Encore.Catalog;
using Encore.Identity;

namespace Encore.Web.Hosting;

internal static class DemoData
{
    /// <summary>
    /// The embedded default seeds itself on first start so a newcomer sees a working site.
    /// A PostgreSQL deployment seeds only when asked (the seed-demo command).
    /// </summary>
    public static async Task SeedDemoDataAsync(this WebApplication app, bool force)
    {
        var storage = app.Services.GetRequiredService<StorageOptions>();
        var mode = app.Configuration["Encore:Demo:Seed"] ?? "auto";
        if (!force && (mode == "off" || (mode == "auto" && storage.IsPostgres))) return;

        var password = app.Configuration["Encore:Demo:Password"] ?? DefaultDemoPassword;
        var authenticatorKey = app.Configuration["Encore:Demo:AuthenticatorKey"] ?? DefaultDemoAuthenticatorKey;
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = await scope.ServiceProvider.GetRequiredService<IdentityDemoData>().EnsureDemoAccountsAsync(password, authenticatorKey);
        var organizer = accounts.Single(a => a.Role == Encore.Contracts.Identity.Roles.Organizer);
        // The demo scanner works the demo organizer's gates (Tickets lets scanner accounts scan their organizers' events).
        var scanner = accounts.Single(a => a.Role == Encore.Contracts.Identity.Roles.Scanner);
        await scope.ServiceProvider.GetRequiredService<CatalogDemoData>().EnsureAsync(organizer.Id, scanner.Id);
        // The scanner's secret is never in the repository: configured, or a fresh one printed below.
        var scannerSecret = app.Configuration["Encore:Demo:ScannerClientSecret"];
        var generatedSecret = string.IsNullOrEmpty(scannerSecret);
        if (generatedSecret) scannerSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        await scope.ServiceProvider.GetRequiredService<Encore.Identity.Oidc.OidcDemoClients>().EnsureAsync(scannerSecret!);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            Console.WriteLine();
            Console.WriteLine($"Encore is running at {urls} ({storage.Provider})");
            Console.WriteLine($"Demo accounts (password: {password}):");
            foreach (var account in accounts) Console.WriteLine($"  {account.Role,-10} {account.Email}{(account.SecondFactor ? "  (second factor: authenticator)" : "")}");
            Console.WriteLine($"Authenticator key of the accounts that need a second factor: {authenticatorKey}");
            Console.WriteLine("  (add it to an authenticator app by hand, or run: oathtool --totp -b " + authenticatorKey + ")");
            Console.WriteLine($"OIDC clients: {Encore.Identity.Oidc.OidcDemoClients.AppClientId} (public, PKCE, http://127.0.0.1:<any port>/callback), " +
                $"{Encore.Identity.Oidc.OidcDemoClients.ScannerClientId} (client credentials{(generatedSecret ? $", secret for this run: {scannerSecret}" : ", secret from Encore:Demo:ScannerClientSecret")})");
            Console.WriteLine();
        });
        if (force)
        {
            Console.WriteLine($"Demo data loaded into {storage.Provider}. Accounts (password: {password}): " +
                string.Join(", ", accounts.Select(a => a.Email)) + $"; authenticator key of organizer and admin: {authenticatorKey}");
        }
    }

    /// <summary>Demo accounts only; override with Encore:Demo:Password, and never seed demo data in production.</summary>
    public const string DefaultDemoPassword = "encore-demo-pass";

    /// <summary>Demo accounts only (organizer and admin must use a second factor); override with Encore:Demo:AuthenticatorKey.</summary>
    public const string DefaultDemoAuthenticatorKey = "ENCOREDEMOKEYENCOREDEMOKEY234567";
}
