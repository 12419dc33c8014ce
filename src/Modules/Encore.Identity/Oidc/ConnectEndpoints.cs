using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using Encore.Contracts.Identity;
using Encore.Identity.Mfa;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Encore.Identity.Oidc;

/// <summary>
/// The OIDC endpoints where we decide who the token is for. OpenIddict has validated the request
/// (client, redirect URI, PKCE, scopes) before these run; revocation, introspection, userinfo,
/// discovery and JWKS are OpenIddict's alone. They speak OAuth, not our API, so they are left out
/// of the OpenAPI document; each decides about the caller itself, hence anonymous to the router.
/// </summary>
internal static class ConnectEndpoints
{
    public const string RolesProperty = "encore_roles";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapPost("/connect/token", Token).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSession).AllowAnonymous().ExcludeFromDescription();
    }

    static async Task<IResult> Authorize(HttpContext http, UserManager<EncoreUser> users)
    {
        var request = http.GetOpenIddictServerRequest();
        if (request is null) return OAuthProblem(Errors.InvalidRequest, "Not an OpenID Connect request.");

        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = cookie.Succeeded ? await users.GetUserAsync(cookie.Principal) : null;
        if (user is null)
        {
            if (request.HasPromptValue(PromptValues.None))
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            // Back here after the sign-in page, with the same parameters (a POSTed request becomes a GET).
            var parameters = http.Request.HasFormContentType ? (IEnumerable<KeyValuePair<string, StringValues>>)http.Request.Form : http.Request.Query;
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [IdentityConstants.ApplicationScheme]);
        }

        // Every registered client is ours (first party): consent is implicit. Third-party clients
        // would need a consent page, which we do not have, so they are registered as explicit and refused.
        var identity = await UserIdentityAsync(users, user, request.GetScopes(), cookie.Principal!);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    static async Task<IResult> Token(HttpContext http, UserManager<EncoreUser> users, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest();
        if (request is null) return OAuthProblem(Errors.InvalidRequest, "Not an OAuth request.");

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token is valid; the account may have changed since. Take its roles afresh.
            var granted = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            var user = granted?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (user is null || await users.IsLockedOutAsync(user))
                return Refuse(Errors.InvalidGrant, "The account is no longer allowed to sign in.");
            return Results.SignIn(new ClaimsPrincipal(await UserIdentityAsync(users, user, granted!.GetScopes(), granted!)),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType())
        {
            // A device or an integration acts as itself: its subject is its client id, its roles come from its registration.
            var client = await applications.FindByClientIdAsync(request.ClientId!);
            if (client is null) return Refuse(Errors.InvalidClient, "Unknown client.");
            var identity = NewIdentity();
            identity.SetClaim(Claims.Subject, request.ClientId)
                .SetClaim(Claims.Name, await applications.GetDisplayNameAsync(client) ?? request.ClientId);
            var properties = await applications.GetPropertiesAsync(client);
            if (properties.TryGetValue(RolesProperty, out var roles) && roles.ValueKind == JsonValueKind.Array)
                identity.SetClaims(Claims.Role, [.. roles.EnumerateArray().Select(r => r.GetString()!)]);
            Grant(identity, request.GetScopes());
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    static async Task<IResult> EndSession(HttpContext http, SignInManager<EncoreUser> signIn)
    {
        await signIn.SignOutAsync();
        // OpenIddict sends the browser to the client's registered post_logout_redirect_uri, or home.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <param name="session">The sign-in the token stands for: its <c>amr</c> (how the person proved who they are)
    /// travels into the tokens, so the second-factor policies judge a token as they judge the session.</param>
    static async Task<ClaimsIdentity> UserIdentityAsync(UserManager<EncoreUser> users, EncoreUser user, ImmutableArray<string> scopes, ClaimsPrincipal session)
    {
        var identity = NewIdentity();
        identity.SetClaims(AuthenticationMethods.ClaimType, [.. session.FindAll(AuthenticationMethods.ClaimType).Select(c => c.Value).Distinct()]);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.EmailVerified, user.EmailConfirmed)
            .SetClaim(Claims.Name, user.DisplayName is { Length: > 0 } name ? name : user.Email)
            .SetClaims(Claims.Role, [Roles.Buyer, .. (await users.GetRolesAsync(user)).Where(r => r != Roles.Buyer)]);
        Grant(identity, scopes);
        return identity;
    }

    static ClaimsIdentity NewIdentity() =>
        new(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);

    static void Grant(ClaimsIdentity identity, ImmutableArray<string> scopes)
    {
        identity.SetScopes(scopes);
        identity.SetResources(scopes.Contains(OidcServer.ApiScope) ? [OidcServer.ApiScope] : []);
        identity.SetDestinations(claim => Destinations(claim, scopes));
    }

    /// <summary>
    /// The API needs the subject and roles in every access token; the identity token carries
    /// what the client asked to know about the user, scope by scope.
    /// </summary>
    static IEnumerable<string> Destinations(Claim claim, ImmutableArray<string> scopes)
    {
        switch (claim.Type)
        {
            case Claims.Subject:
            case AuthenticationMethods.ClaimType:
                yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.IdentityToken;
                break;
            case Claims.Name when scopes.Contains(Scopes.Profile):
            case Claims.Email or Claims.EmailVerified when scopes.Contains(Scopes.Email):
                yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.IdentityToken;
                break;
            case Claims.Role:
                yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken;
                if (scopes.Contains(Scopes.Roles)) yield return OpenIddict.Abstractions.OpenIddictConstants.Destinations.IdentityToken;
                break;
        }
    }

    static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>Only reachable when OpenIddict did not handle the request at all (it does, for every valid route).</summary>
    static IResult OAuthProblem(string error, string? description) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The authorization request was refused.",
        detail: description,
        extensions: new Dictionary<string, object?> { ["error"] = error, ["error_description"] = description });
}
