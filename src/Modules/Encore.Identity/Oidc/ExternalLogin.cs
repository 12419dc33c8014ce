using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Encore.Identity.Oidc;

/// <summary>Whether "Sign in with …" is offered, and where it starts; the sign-in page shows the button only when configured.</summary>
public sealed record ExternalLoginSettings(bool Enabled, string DisplayName)
{
    public string StartUrl(string? returnUrl) =>
        QueryHelpers.AddQueryString(ExternalLogin.StartPath, "returnUrl", returnUrl is { Length: > 0 } ? returnUrl : "/");
}

/// <summary>
/// Sign-in through another OpenID Connect issuer (Keycloak, Auth0, Entra ID, another Encore), set by
/// <c>Encore:ExternalOidc</c>. The first sign-in links the issuer's account to ours by verified email,
/// or creates a confirmed account; later ones find it by the issuer's subject.
/// </summary>
internal static class ExternalLogin
{
    public const string Scheme = "external-oidc";
    public const string StartPath = "/account/external-login";
    const string CallbackPath = "/account/external-login/callback";

    public static IServiceCollection AddExternalLogin(this IServiceCollection services, AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:ExternalOidc");
        var authority = section["Authority"];
        var displayName = section["DisplayName"] is { Length: > 0 } name ? name : "single sign-on";
        services.AddSingleton(new ExternalLoginSettings(!string.IsNullOrWhiteSpace(authority), displayName));
        if (string.IsNullOrWhiteSpace(authority)) return services;

        var authorityUri = new Uri(authority, UriKind.Absolute);
        authentication.AddOpenIdConnect(Scheme, displayName, o =>
        {
            o.Authority = authority;
            o.ClientId = section["ClientId"] ?? throw new InvalidOperationException("Encore:ExternalOidc:ClientId is required with an Authority.");
            o.ClientSecret = section["ClientSecret"];
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // Query responses let the correlation and nonce cookies be SameSite=Lax (a cross-site form post needs None).
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            // Secure over HTTPS (every deployment); plain HTTP only reaches here for a loopback issuer.
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // A refusal or a stale callback (the person pressed back) is not our failure: back to the sign-in page.
            o.Events.OnRemoteFailure = ctx =>
            {
                ctx.Response.Redirect("/account/login?external=failed");
                ctx.HandleResponse();
                return Task.CompletedTask;
            };
            o.CallbackPath = "/signin-external";
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile", "email" }) o.Scope.Add(scope);
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.SaveTokens = false;
            // Plain HTTP only for an issuer on this machine (development, tests).
            o.RequireHttpsMetadata = section.GetValue<bool?>("RequireHttpsMetadata") ?? !authorityUri.IsLoopback;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapExternalLogin(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<ExternalLoginSettings>() is not { Enabled: true }) return endpoints;
        // Starting a sign-in changes nothing here; the issuer's answer is bound to this browser by the
        // handler's correlation and nonce cookies, so a forged callback fails.
        endpoints.MapGet(StartPath, (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = QueryHelpers.AddQueryString(CallbackPath, "returnUrl", LocalOrHome(returnUrl)) },
                [Scheme]))
            .AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(CallbackPath, Callback).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    static async Task<IResult> Callback(HttpContext http, string? returnUrl, UserManager<EncoreUser> users, SignInManager<EncoreUser> signIn,
        TimeProvider clock, ILoggerFactory loggers)
    {
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        var principal = external.Principal;
        var subject = principal?.FindFirstValue("sub");
        if (principal is null || subject is null) return Failed();

        var user = await users.FindByLoginAsync(Scheme, subject);
        if (user is null)
        {
            // Linking by email is only safe when the issuer vouches for the address.
            var email = principal.FindFirstValue("email");
            if (email is null || !string.Equals(principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase))
                return Failed("unverified");

            user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new EncoreUser
                {
                    Id = Guid.CreateVersion7(),
                    UserName = email,
                    Email = email,
                    EmailConfirmed = true,
                    DisplayName = principal.FindFirstValue("name") ?? email,
                    CreatedAt = clock.GetUtcNow(),
                };
                if (!(await users.CreateAsync(user)).Succeeded) return Failed();
            }
            else if (!user.EmailConfirmed)
            {
                // Someone registered this address here without proving it. The issuer has proven it
                // belongs to the person signing in now, so the unproven password must not keep working.
                if (await users.HasPasswordAsync(user)) await users.RemovePasswordAsync(user);
                user.EmailConfirmed = true;
                await users.UpdateAsync(user);
            }
            if (!(await users.AddLoginAsync(user, new UserLoginInfo(Scheme, subject, Scheme))).Succeeded) return Failed();
            loggers.CreateLogger(typeof(ExternalLogin)).LogInformation("External account linked to user {UserId}", user.Id);
        }

        var result = await signIn.ExternalLoginSignInAsync(Scheme, subject, isPersistent: false, bypassTwoFactor: false);
        if (result.Succeeded) return Results.LocalRedirect(LocalOrHome(returnUrl));
        // The issuer's sign-in does not replace the second factor this account has here.
        if (result.RequiresTwoFactor)
            return Results.LocalRedirect(QueryHelpers.AddQueryString("/account/login/two-factor", "returnUrl", LocalOrHome(returnUrl)));
        // A lockout or any other refusal goes through the sign-in page, which says so.
        return Failed();

        IResult Failed(string reason = "failed") =>
            Results.LocalRedirect(QueryHelpers.AddQueryString("/account/login", new Dictionary<string, string?> { ["external"] = reason, ["ReturnUrl"] = LocalOrHome(returnUrl) }));
    }

    static string LocalOrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/";
}
