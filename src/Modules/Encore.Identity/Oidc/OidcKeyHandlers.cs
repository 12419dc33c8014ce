using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Encore.Identity.Oidc;

/// <summary>
/// OpenIddict reads its keys from options fixed at start-up; these handlers give it the database
/// key ring instead, wherever it signs, encrypts, validates or publishes. The key registered in the
/// options only satisfies OpenIddict's start-up check and is never used.
/// </summary>
internal static class OidcKeyHandlers
{
    public static void Register(OpenIddictServerBuilder server)
    {
        server.AddEventHandler<OpenIddictServerEvents.GenerateTokenContext>(h => h
            .UseSingletonHandler<SignWithKeyRing>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500));
        server.AddEventHandler<OpenIddictServerEvents.ValidateTokenContext>(h => h
            .UseSingletonHandler<ValidateWithKeyRing>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500));
        server.AddEventHandler<OpenIddictServerEvents.HandleJsonWebKeySetRequestContext>(h => h
            .UseSingletonHandler<PublishKeyRing>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachSigningKeys.Descriptor.Order + 500));
    }

    public static void Register(OpenIddictValidationBuilder validation)
    {
        validation.AddEventHandler<OpenIddictValidationEvents.ValidateTokenContext>(h => h
            .UseSingletonHandler<ValidateAccessTokensWithKeyRing>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500));
        validation.AddEventHandler<OpenIddictValidationEvents.ProcessAuthenticationContext>(h => h
            .UseSingletonHandler<MapUserId>()
            .SetOrder(OpenIddictValidationHandlers.ValidateAccessToken.Descriptor.Order + 500));
    }

    sealed class SignWithKeyRing(OidcKeyRing ring) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
    {
        public async ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
        {
            var keys = await ring.CurrentAsync(context.CancellationToken);
            context.SigningCredentials = keys.Signing;
            // Access and identity tokens are signed only (resource servers read them with the JWKS);
            // codes and refresh tokens, which only we read, are encrypted too.
            if (context.EncryptionCredentials is not null) context.EncryptionCredentials = keys.Encrypting;
        }
    }

    sealed class ValidateWithKeyRing(OidcKeyRing ring) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
    {
        public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
        {
            // Tokens we issued carry the configured key list; a client assertion resolves the
            // client's own keys instead and is left alone.
            if (context.TokenValidationParameters.IssuerSigningKeys is null) return;
            var keys = await ring.CurrentAsync(context.CancellationToken);
            context.TokenValidationParameters.IssuerSigningKeys = keys.SigningKeys;
            context.TokenValidationParameters.TokenDecryptionKeys = keys.EncryptionKeys;
        }
    }

    sealed class ValidateAccessTokensWithKeyRing(OidcKeyRing ring) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
    {
        public async ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
        {
            var keys = await ring.CurrentAsync(context.CancellationToken);
            context.TokenValidationParameters.IssuerSigningKeys = keys.SigningKeys;
            context.TokenValidationParameters.TokenDecryptionKeys = keys.EncryptionKeys;
        }
    }

    sealed class PublishKeyRing(OidcKeyRing ring) : IOpenIddictServerHandler<OpenIddictServerEvents.HandleJsonWebKeySetRequestContext>
    {
        public async ValueTask HandleAsync(OpenIddictServerEvents.HandleJsonWebKeySetRequestContext context)
        {
            var keys = await ring.CurrentAsync(context.CancellationToken);
            context.Keys.Clear();
            foreach (var key in keys.SigningKeys)
            {
                var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
                context.Keys.Add(new JsonWebKey
                {
                    Kty = JsonWebAlgorithmsKeyTypes.RSA,
                    Use = JsonWebKeyUseNames.Sig,
                    Alg = SecurityAlgorithms.RsaSha256,
                    Kid = key.KeyId,
                    N = Base64UrlEncoder.Encode(parameters.Modulus),
                    E = Base64UrlEncoder.Encode(parameters.Exponent),
                });
            }
        }
    }

    /// <summary>
    /// Our endpoints find the user by ASP.NET Core Identity's user id claim; a token names the user in
    /// <c>sub</c>. Client-credentials tokens name a client there, not a user, and get no user id.
    /// </summary>
    sealed class MapUserId : IOpenIddictValidationHandler<OpenIddictValidationEvents.ProcessAuthenticationContext>
    {
        public ValueTask HandleAsync(OpenIddictValidationEvents.ProcessAuthenticationContext context)
        {
            if (context.AccessTokenPrincipal?.Identity is ClaimsIdentity identity &&
                identity.FindFirst(Claims.Subject)?.Value is { } subject &&
                Guid.TryParse(subject, out _) &&
                identity.FindFirst(ClaimTypes.NameIdentifier) is null)
            {
                identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, subject));
            }
            return ValueTask.CompletedTask;
        }
    }
}
