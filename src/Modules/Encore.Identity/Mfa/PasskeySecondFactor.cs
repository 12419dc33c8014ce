using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Identity.Mfa;

/// <summary>
/// A passkey as the second step after a password. The sign-in manager keeps a passkey ceremony's
/// state in the same cookie as the password step, so starting one there would end the password
/// step, and a cancelled prompt would leave nothing to type a code into. This ceremony keeps its
/// state in a cookie of its own and ends only when the passkey belongs to the account waiting.
/// </summary>
internal sealed class PasskeySecondFactor(IPasskeyHandler<EncoreUser> passkeys, IDataProtectionProvider protection)
{
    const string CookieName = "encore.passkey-step";
    static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    IDataProtector Protector => protection.CreateProtector("Encore.Identity.PasskeySecondFactor");

    /// <summary>The options for navigator.credentials.get, limited to the waiting account's passkeys.</summary>
    public async Task<string> BeginAsync(HttpContext http, EncoreUser user)
    {
        var options = await passkeys.MakeRequestOptionsAsync(user, http);
        http.Response.Cookies.Append(CookieName, Protector.ToTimeLimitedDataProtector().Protect(options.AssertionState ?? "", Lifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            MaxAge = Lifetime,
            IsEssential = true,
        });
        return options.RequestOptionsJson;
    }

    /// <summary>Checks the passkey against the ceremony begun for <paramref name="user"/>; the ceremony is used up either way.</summary>
    public async Task<PasskeyAssertionResult<EncoreUser>?> CompleteAsync(HttpContext http, EncoreUser user, string credentialJson)
    {
        var stored = http.Request.Cookies[CookieName];
        http.Response.Cookies.Delete(CookieName);
        if (string.IsNullOrEmpty(stored) || string.IsNullOrEmpty(credentialJson)) return null;
        string state;
        try
        {
            state = Protector.ToTimeLimitedDataProtector().Unprotect(stored);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        var result = await passkeys.PerformAssertionAsync(new PasskeyAssertionContext
        {
            CredentialJson = credentialJson,
            AssertionState = state,
            HttpContext = http,
        });
        return result.Succeeded && result.User.Id == user.Id ? result : null;
    }

    public static PasskeySecondFactor For(HttpContext http) => http.RequestServices.GetRequiredService<PasskeySecondFactor>();
}
