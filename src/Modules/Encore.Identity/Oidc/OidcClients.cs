using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Encore.Identity.Oidc;

/// <summary>One client of the OIDC server, as written in <c>Encore:Oidc:Clients</c>.</summary>
public sealed class OidcClient
{
    public string ClientId { get; set; } = "";
    /// <summary><c>public</c> (browser and mobile apps: no secret, PKCE) or <c>confidential</c> (servers and devices: a secret).</summary>
    public string Type { get; set; } = ClientTypes.Public;
    /// <summary>Confidential clients only; from configuration or a secret store, never from the repository.</summary>
    public string? ClientSecret { get; set; }
    public string? DisplayName { get; set; }
    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];
    /// <summary><c>authorization_code</c>, <c>refresh_token</c>, <c>client_credentials</c>.</summary>
    public List<string> GrantTypes { get; set; } = [];
    public List<string> Scopes { get; set; } = [];
    /// <summary>Roles a client-credentials token carries (e.g. <c>scanner</c> for a gate device).</summary>
    public List<string> Roles { get; set; } = [];
}

/// <summary>Creates or updates a client so the database matches its description.</summary>
internal sealed class OidcClientRegistrar(IOpenIddictApplicationManager applications)
{
    public async Task EnsureAsync(OidcClient client, CancellationToken ct = default)
    {
        var descriptor = Describe(client);
        var existing = await applications.FindByClientIdAsync(client.ClientId, ct);
        if (existing is null) await applications.CreateAsync(descriptor, ct);
        else await applications.UpdateAsync(existing, descriptor, ct);
    }

    static OpenIddictApplicationDescriptor Describe(OidcClient client)
    {
        var confidential = string.Equals(client.Type, ClientTypes.Confidential, StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(client.ClientId))
            throw new InvalidOperationException("Encore:Oidc:Clients: every client needs a ClientId.");
        if (!confidential && !string.Equals(client.Type, ClientTypes.Public, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"OIDC client {client.ClientId}: Type must be public or confidential, not '{client.Type}'.");
        if (confidential != !string.IsNullOrEmpty(client.ClientSecret))
            throw new InvalidOperationException($"OIDC client {client.ClientId}: a confidential client needs a ClientSecret and a public one has none.");
        if (!confidential && client.GrantTypes.Contains(GrantTypes.ClientCredentials))
            throw new InvalidOperationException($"OIDC client {client.ClientId}: a public client cannot use client_credentials.");

        var redirects = client.RedirectUris.Select(u => new Uri(u, UriKind.Absolute)).ToList();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ClientSecret = client.ClientSecret,
            DisplayName = client.DisplayName ?? client.ClientId,
            ConsentType = ConsentTypes.Implicit,
            // A native app (RFC 8252) listens on a loopback port it picks at run time: OpenIddict then
            // accepts any port for a registered loopback redirect URI that names none.
            ApplicationType = !confidential && redirects.Count > 0 && redirects.All(u => u.IsLoopback) ? ApplicationTypes.Native : ApplicationTypes.Web,
        };
        descriptor.RedirectUris.UnionWith(redirects);
        descriptor.PostLogoutRedirectUris.UnionWith(client.PostLogoutRedirectUris.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation]);
        if (confidential) descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        foreach (var grant in client.GrantTypes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grant);
            if (grant == GrantTypes.AuthorizationCode)
            {
                descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession, Permissions.ResponseTypes.Code]);
                descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            }
        }
        // openid needs no permission; every other scope does.
        foreach (var scope in client.Scopes.Where(s => s != Scopes.OpenId))
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        if (client.Roles.Count > 0)
            descriptor.Properties[ConnectEndpoints.RolesProperty] = JsonSerializer.SerializeToElement(client.Roles);
        return descriptor;
    }
}

/// <summary>Registers the clients of <c>Encore:Oidc:Clients</c> at start-up (after the migrations ran).</summary>
internal sealed class ConfiguredOidcClients(IServiceScopeFactory scopes, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clients = configuration.GetSection("Encore:Oidc:Clients").Get<List<OidcClient>>() ?? [];
        if (clients.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var registrar = scope.ServiceProvider.GetRequiredService<OidcClientRegistrar>();
        foreach (var client in clients) await registrar.EnsureAsync(client, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The demo app's clients: a public PKCE app on a loopback redirect and a scanner device.</summary>
public sealed class OidcDemoClients(IServiceProvider services)
{
    public const string AppClientId = "encore-demo-app";
    public const string ScannerClientId = "encore-demo-scanner";

    public async Task EnsureAsync(string scannerSecret, CancellationToken ct = default)
    {
        var registrar = services.GetRequiredService<OidcClientRegistrar>();
        await registrar.EnsureAsync(new OidcClient
        {
            ClientId = AppClientId,
            DisplayName = "Encore demo app",
            Type = ClientTypes.Public,
            RedirectUris = ["http://127.0.0.1/callback"],
            PostLogoutRedirectUris = ["http://127.0.0.1/"],
            GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken],
            Scopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess, OidcServer.ApiScope],
        }, ct);
        await registrar.EnsureAsync(new OidcClient
        {
            ClientId = ScannerClientId,
            DisplayName = "Encore demo scanner",
            Type = ClientTypes.Confidential,
            ClientSecret = scannerSecret,
            GrantTypes = [GrantTypes.ClientCredentials],
            Scopes = [OidcServer.ApiScope],
            Roles = [Contracts.Identity.Roles.Scanner],
        }, ct);
    }
}
