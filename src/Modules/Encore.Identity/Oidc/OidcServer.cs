using System.Security.Cryptography;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Encore.Identity.Oidc;

/// <summary>
/// The OpenID Connect / OAuth 2.0 server (OpenIddict) on top of ASP.NET Core Identity: authorization
/// code with PKCE, client credentials, rolling refresh tokens; its stores live in IdentityDb and its
/// keys in the database key ring. See docs/oidc.md.
/// </summary>
internal static class OidcServer
{
    /// <summary>The scope (and audience) that lets a token call the Encore API.</summary>
    public const string ApiScope = "encore_api";

    public const string ValidationScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;

    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    public static IServiceCollection AddOidcServer(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:Oidc");
        // Behind a TLS-terminating proxy the forwarded headers make requests HTTPS. Plain HTTP is for
        // the embedded default on a developer's machine and for tests; production refuses it.
        var environment = configuration["environment"] ?? "Production";
        var requireHttps = section.GetValue<bool?>("RequireHttps")
            ?? !(environment.Equals("Development", StringComparison.OrdinalIgnoreCase) || environment.Equals("Testing", StringComparison.OrdinalIgnoreCase));
        var issuer = section["Issuer"];

        services.AddSingleton(section.GetSection("Keys").Get<OidcKeyOptions>() ?? new OidcKeyOptions());
        services.AddSingleton<OidcKeyRing>();
        services.AddHostedService<OidcKeyRotationJob>();
        services.AddScoped<OidcClientRegistrar>();
        services.AddHostedService<ConfiguredOidcClients>();

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDb>().ReplaceDefaultEntities<Guid>())
            .AddServer(server =>
            {
                if (issuer is { Length: > 0 }) server.SetIssuer(new Uri(issuer, UriKind.Absolute));
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetUserInfoEndpointUris("connect/userinfo");
                // Discovery (/.well-known/openid-configuration) and JWKS (/.well-known/jwks) keep their defaults.

                server.AllowAuthorizationCodeFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                server.RequireProofKeyForCodeExchange();
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess, ApiScope);
                server.SetAccessTokenLifetime(AccessTokenLifetime).SetRefreshTokenLifetime(RefreshTokenLifetime);
                // A redeemed refresh token presented again means a copy exists: OpenIddict then revokes
                // every token of that authorization. No grace period, so a replay is never honoured.
                server.SetRefreshTokenReuseLeeway(null);

                // Resource servers validate our access tokens with the JWKS alone, so they are signed, not encrypted.
                server.DisableAccessTokenEncryption();
                // Placeholders for OpenIddict's start-up check; the key ring handlers replace them everywhere.
                server.AddEncryptionKey(PlaceholderKeys.Encryption).AddSigningKey(PlaceholderKeys.Signing);
                OidcKeyHandlers.Register(server);

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                LocalErrors<OpenIddict.Server.OpenIddictServerEvents.ApplyAuthorizationResponseContext>.Register(server);
                LocalErrors<OpenIddict.Server.OpenIddictServerEvents.ApplyEndSessionResponseContext>.Register(server);
                if (!requireHttps) aspNetCore.DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
                // Only tokens granted the API scope may call the API.
                validation.AddAudiences(ApiScope);
                OidcKeyHandlers.Register(validation);
            });
        return services;
    }

    public static IEndpointRouteBuilder MapOidcServer(this IEndpointRouteBuilder endpoints)
    {
        ConnectEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>A JWT (three dot-separated parts) is ours; the Identity bearer token is one opaque string.</summary>
    public static bool IsJwt(string token) => token.Count(c => c == '.') == 2;
}

/// <summary>
/// The keys OpenIddict's options hold only to pass its start-up check (<see cref="OidcKeyHandlers"/>
/// replaces them wherever it signs, encrypts, validates or publishes). RSA, so the discovery document
/// names the algorithm the key ring signs with; one pair per process, since generating a 2048-bit
/// pair costs a few hundred milliseconds and every app host would otherwise make two.
/// </summary>
internal static class PlaceholderKeys
{
    public static readonly RsaSecurityKey Signing = new(RSA.Create(2048));
    public static readonly RsaSecurityKey Encryption = new(RSA.Create(2048));
}
