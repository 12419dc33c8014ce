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
        app.MapPost("/account/logout", async (SignInManager<EncoreUser> signIn, [FromForm] string? returnUrl) =>
            {
                await signIn.SignOutAsync();
                return TypedResults.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
            })
            .RequireAuthorization(Policies.SignedIn)
            .ExcludeFromDescription();

        // An address nothing answers is a 404 for everyone (a page for browsers, problem+json for
        // API clients), not a sign-in redirect from the deny-by-default fallback policy.
        app.MapFallback("{*path}", () => TypedResults.NotFound()).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
