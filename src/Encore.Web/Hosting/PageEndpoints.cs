using Encore.Contracts.Identity;
using Encore.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Encore.Web.Hosting;

/// <summary>Form posts of the pages that are not pages themselves.</summary>
internal static class PageEndpoints
{
    public static WebApplication MapEncorePages(this WebApplication app)
    {
        // Signing out is a POST with an antiforgery token, so a link on another site cannot sign a buyer out.
        app.MapPost("/account/logout", async (SignInManager<EncoreUser> signIn, HttpContext http, [FromForm] string? returnUrl) =>
            {
                await signIn.SignOutAsync();
                // On a shared device the next person finds nothing of this one in the browser's storage
                // (the scanner's ticket list and admissions, the device-report flag). The scanner's own
                // script has already warned about admissions that wait to sync.
                http.Response.Headers["Clear-Site-Data"] = "\"storage\"";
                return TypedResults.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
            })
            .RequireAuthorization(Policies.SignedIn)
            .ExcludeFromDescription();

        // An address nothing answers is a 404 for everyone (a page for browsers, problem+json for
        // API clients), not a sign-in redirect from the deny-by-default fallback policy.
        app.MapFallback("{*path}", () => TypedResults.NotFound()).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The endpoints Blazor adds beside the pages (such as /_framework/opaque-redirect, which
    /// finishes a redirect an anonymous page may issue) carry no authorization of their own, so the
    /// deny-by-default fallback would refuse them. Pages keep their own attributes.
    /// </summary>
    public static RazorComponentsEndpointConventionBuilder AllowFrameworkEndpointsAnonymous(this RazorComponentsEndpointConventionBuilder components)
    {
        components.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && route.StartsWith("/_framework/", StringComparison.Ordinal))
                endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
        });
        return components;
    }
}
