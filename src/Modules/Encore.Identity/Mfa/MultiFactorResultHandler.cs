using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Encore.Identity.Mfa;

/// <summary>
/// When the only thing missing is a second factor: an API client gets a 403 problem+json that
/// says so, and a browser goes to the two-factor page (to set one up, or to sign in again with it).
/// Everything else is the framework's usual answer.
/// </summary>
internal sealed class MultiFactorResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    public const string Title = "Multi-factor authentication required";
    public const string EnrolmentPath = "/account/two-factor";

    readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        var failure = result.AuthorizationFailure;
        if (!result.Forbidden || failure is null || failure.FailureReasons.OfType<MultiFactorFailure>().FirstOrDefault() is not { } reason
            || !OnlySecondFactorMissing(policy, http.User))
        {
            await fallback.HandleAsync(next, http, policy, result);
            return;
        }

        if (http.Request.Path.StartsWithSegments("/api"))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = Title,
                    Detail = reason.Message + " Turn on two-factor authentication for the account, then sign in with your authenticator code (twoFactorCode) or a recovery code (twoFactorRecoveryCode).",
                },
            });
            return;
        }

        var returnUrl = http.Request.Path + http.Request.QueryString;
        http.Response.Redirect($"{EnrolmentPath}?required=true&returnUrl={Uri.EscapeDataString(returnUrl)}");
    }

    /// <summary>
    /// Someone who would be refused anyway (an admin on an organizer page) gets the usual refusal,
    /// not a detour through enrolment that ends in the same place.
    /// </summary>
    static bool OnlySecondFactorMissing(AuthorizationPolicy policy, System.Security.Claims.ClaimsPrincipal user) =>
        policy.Requirements.All(requirement => requirement switch
        {
            MultiFactorRequirement or DenyAnonymousAuthorizationRequirement => true,
            RolesAuthorizationRequirement roles => roles.AllowedRoles.Any(user.IsInRole),
            _ => false,
        });
}
