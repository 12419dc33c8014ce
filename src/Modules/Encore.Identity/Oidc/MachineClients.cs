using Encore.Contracts.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Encore.Identity.Oidc;

/// <summary>
/// Client-credentials clients that another module owns (Tickets' scanner devices). Removing one
/// deletes the application, and OpenIddict's store deletes its tokens and authorizations with it,
/// so no new token is issued; a JWT already handed out stays valid until it expires, which is why
/// the owning module also checks its own record on every call.
/// </summary>
internal sealed class MachineClients(OidcClientRegistrar registrar, IOpenIddictApplicationManager applications) : IMachineClients
{
    public Task RegisterAsync(string clientId, string clientSecret, string displayName, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        registrar.EnsureAsync(new OidcClient
        {
            ClientId = clientId,
            DisplayName = displayName,
            Type = ClientTypes.Confidential,
            ClientSecret = clientSecret,
            GrantTypes = [GrantTypes.ClientCredentials],
            Scopes = [OidcServer.ApiScope],
            Roles = [.. roles],
        }, cancellationToken);

    public async Task RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
            await applications.DeleteAsync(application, cancellationToken);
    }
}
