using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace Encore.Identity.Mfa;

/// <summary>
/// The two calls the browser's passkey script makes before it asks the authenticator: the options
/// for creating a passkey, and for signing in with one. The ceremony state travels in the
/// framework's short-lived two-factor cookie; the result comes back through the page's own form.
/// </summary>
internal static class PasskeyEndpoints
{
    public const string CreationOptionsPath = "/account/passkeys/creation-options";
    public const string RequestOptionsPath = "/account/passkeys/request-options";

    public static void MapPasskeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(CreationOptionsPath, CreationOptions).RequireAuthorization(Policies.SignedIn).ExcludeFromDescription();
        endpoints.MapPost(RequestOptionsPath, RequestOptions).AllowAnonymous().ExcludeFromDescription();
    }

    static async Task<Results<ContentHttpResult, ProblemHttpResult, UnauthorizedHttpResult>> CreationOptions(
        HttpContext http, IAntiforgery antiforgery, UserManager<EncoreUser> users, SignInManager<EncoreUser> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return InvalidToken();
        var user = await users.GetUserAsync(http.User);
        if (user is null) return TypedResults.Unauthorized();
        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = user.Id.ToString(),
            Name = user.Email ?? user.UserName ?? user.Id.ToString(),
            DisplayName = user.DisplayName is { Length: > 0 } name ? name : user.Email ?? "Encore account",
        });
        return TypedResults.Content(options, "application/json");
    }

    /// <summary>
    /// purpose=second-factor: after the password, for the account waiting in the challenge (the
    /// authenticator may offer only that account's passkeys, and the password step survives a
    /// cancelled prompt). Otherwise any passkey of this site, to sign in with it alone.
    /// </summary>
    static async Task<Results<ContentHttpResult, ProblemHttpResult>> RequestOptions(
        HttpContext http, IAntiforgery antiforgery, SignInManager<EncoreUser> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return InvalidToken();
        EncoreUser? user;
        if (http.Request.HasFormContentType && (await http.Request.ReadFormAsync()).TryGetValue("purpose", out var purpose) && purpose == "second-factor")
        {
            user = await signIn.GetTwoFactorAuthenticationUserAsync();
            if (user is null)
                return TypedResults.Problem(title: "Sign-in expired", detail: "Sign in with your password again, then use your passkey.", statusCode: StatusCodes.Status400BadRequest);
            return TypedResults.Content(await PasskeySecondFactor.For(http).BeginAsync(http, user), "application/json");
        }
        return TypedResults.Content(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json");
    }

    static ProblemHttpResult InvalidToken() =>
        TypedResults.Problem(title: "Invalid form token", detail: "Reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
}
