using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server.AspNetCore;

namespace Encore.Identity.Oidc;

/// <summary>
/// OpenIddict's server is asked about a request only when the request can be one of its endpoints.
/// ASP.NET Core's authentication middleware asks every request-handling scheme about every request,
/// and the server is one. Even to answer "not mine" it runs its request events through DI-resolved
/// handler lists: with the validation's, 5.8 % of the whole machine in the hold profile
/// (docs/PERFORMANCE.md), more than the hold's own Redis work. Every server endpoint lives under
/// <c>connect/</c> or <c>.well-known/</c> (<see cref="OidcServer"/>), so the server is asked there,
/// in front of the framework's middleware, and nowhere else. Every other request handler is still
/// asked on every request: an external login's callback, and OpenIddict's validation, whose
/// request step prepares what authenticating a JWT later needs.
/// </summary>
internal static class OidcRequests
{
    const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    /// <summary>Contains, not starts with, so an issuer with a path of its own (https://host/auth/) still matches.</summary>
    public static bool MayBeEndpoint(PathString path) =>
        path.Value is { } value
        && (value.Contains("/connect/", StringComparison.OrdinalIgnoreCase) || value.Contains("/.well-known/", StringComparison.OrdinalIgnoreCase));

    public static bool IsServer(string scheme) => scheme == Server;

    /// <summary>The server's request handling on its own paths; then the framework's middleware, without it.</summary>
    public static IApplicationBuilder UseAuthenticationWithOidc(this IApplicationBuilder app) => app
        .UseWhen(http => MayBeEndpoint(http.Request.Path), branch => branch.Use(async (http, next) =>
        {
            var handlers = http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
            if (await handlers.GetHandlerAsync(http, Server) is IAuthenticationRequestHandler server && await server.HandleRequestAsync())
                return;
            await next(http);
        }))
        .UseAuthentication();
}

/// <summary>The framework's scheme provider, minus OpenIddict's server among the schemes asked about every request (<see cref="OidcRequests"/>).</summary>
internal sealed class SchemesOutsideOidc(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    sealed record Filtered(IEnumerable<AuthenticationScheme> All, AuthenticationScheme[] Asked);

    // The base answers the same list until a scheme is added or removed; so does this.
    Filtered? filtered;

    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        var all = await base.GetRequestHandlerSchemesAsync();
        var cached = Volatile.Read(ref filtered);
        if (cached is null || !ReferenceEquals(cached.All, all))
            Volatile.Write(ref filtered, cached = new Filtered(all, all.Where(s => !OidcRequests.IsServer(s.Name)).ToArray()));
        return cached.Asked;
    }
}
