using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Encore.Identity.Mfa;

/// <summary>
/// The framework's sign-in manager, with what it does not know about our second factors: a passkey
/// alone is multi-factor, an account whose only second factor is a passkey still gets the challenge,
/// and a session records how it was authenticated through refreshes.
/// </summary>
public sealed class EncoreSignInManager(
    UserManager<EncoreUser> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<EncoreUser> claimsFactory,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<EncoreUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<EncoreUser> confirmation)
    : SignInManager<EncoreUser>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    // The methods of the principal whose stamp was just validated, for the principal rebuilt from it.
    (Guid UserId, IReadOnlyList<Claim> Methods)? refreshed;

    /// <summary>Two-factor is on when the account turned it on and has a factor to ask for: an authenticator app or a passkey.</summary>
    public override async Task<bool> IsTwoFactorEnabledAsync(EncoreUser user) =>
        await UserManager.GetTwoFactorEnabledAsync(user)
        && (!string.IsNullOrEmpty(await UserManager.GetAuthenticatorKeyAsync(user)) || (await UserManager.GetPasskeysAsync(user)).Count > 0);

    protected override async Task<SignInResult> SignInOrTwoFactorAsync(EncoreUser user, bool isPersistent, string? loginProvider = null, bool bypassTwoFactor = false)
    {
        // A device remembered after a second factor skips the challenge; the session it opens
        // still counts as multi-factor, or remembering would lock organizers out of their console.
        if (loginProvider is null && !bypassTwoFactor && await IsTwoFactorEnabledAsync(user) && await IsTwoFactorClientRememberedAsync(user))
        {
            await SignInWithClaimsAsync(user, isPersistent, [new Claim(AuthenticationMethods.ClaimType, AuthenticationMethods.MultiFactor)]);
            return SignInResult.Success;
        }
        return await base.SignInOrTwoFactorAsync(user, isPersistent, loginProvider, bypassTwoFactor);
    }

    /// <summary>
    /// Signs in with a passkey. The framework records such a session as a password sign-in; a
    /// passkey verified on the device (user verification is required) is possession plus PIN or
    /// biometrics, so the session is multi-factor.
    /// </summary>
    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialJson);
        var assertion = await PerformPasskeyAssertionAsync(credentialJson);
        if (!assertion.Succeeded) return SignInResult.Failed;
        if (await PreSignInCheck(assertion.User) is { } refused) return refused;
        // The sign count and backup state move on with every use.
        if (!(await UserManager.AddOrUpdatePasskeyAsync(assertion.User, assertion.Passkey)).Succeeded) return SignInResult.Failed;
        await ResetLockout(assertion.User);
        await SignInWithClaimsAsync(assertion.User, isPersistent: false,
        [
            new Claim(AuthenticationMethods.ClaimType, AuthenticationMethods.MultiFactor),
            new Claim(AuthenticationMethods.ClaimType, AuthenticationMethods.HardwareKey),
        ]);
        return SignInResult.Success;
    }

    /// <summary>
    /// The second step after a password, with a passkey instead of a code: the passkey must be
    /// the waiting account's own. Locks out like a wrong code would.
    /// </summary>
    public async Task<SignInResult> PasskeyTwoFactorSignInAsync(string credentialJson, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is null) return SignInResult.Failed;
        if (await PreSignInCheck(user) is { } refused) return refused;
        var assertion = await PasskeySecondFactor.For(Context).CompleteAsync(Context, user, credentialJson);
        if (assertion is not { Passkey: { } passkey })
        {
            await UserManager.AccessFailedAsync(user);
            return await UserManager.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
        }
        if (!(await UserManager.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded) return SignInResult.Failed;
        await ResetLockout(user);
        await Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        if (rememberClient) await RememberTwoFactorClientAsync(user);
        await SignInWithClaimsAsync(user, isPersistent,
        [
            new Claim(AuthenticationMethods.ClaimType, AuthenticationMethods.MultiFactor),
            new Claim(AuthenticationMethods.ClaimType, AuthenticationMethods.HardwareKey),
        ]);
        return SignInResult.Success;
    }

    /// <summary>
    /// After the person proved a second factor inside a signed-in session (enrolling an
    /// authenticator or a passkey), the session becomes multi-factor, keeping its persistence.
    /// </summary>
    public async Task UpgradeToMultiFactorAsync(EncoreUser user, string method)
    {
        var current = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var properties = current.Properties ?? new AuthenticationProperties();
        await SignInWithClaimsAsync(user, properties,
        [
            new Claim(AuthenticationMethods.ClaimType, AuthenticationMethods.MultiFactor),
            new Claim(AuthenticationMethods.ClaimType, method),
        ]);
    }

    /// <summary>
    /// The bearer refresh endpoint and the cookie's periodic stamp check validate the old
    /// principal's stamp, then build a fresh principal from the user alone, which would drop how
    /// the session was authenticated and with it the organizer's access. The methods of the
    /// principal just validated are carried over.
    /// </summary>
    public override async Task<EncoreUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        refreshed = user is null || principal is null ? null : (user.Id, principal.FindAll(AuthenticationMethods.ClaimType).ToList());
        return user;
    }

    public override async Task<ClaimsPrincipal> CreateUserPrincipalAsync(EncoreUser user)
    {
        var principal = await base.CreateUserPrincipalAsync(user);
        if (refreshed is { } previous && previous.UserId == user.Id && principal.Identity is ClaimsIdentity identity
            && !identity.HasClaim(c => c.Type == AuthenticationMethods.ClaimType))
        {
            foreach (var method in previous.Methods) identity.AddClaim(new Claim(method.Type, method.Value));
        }
        refreshed = null;
        return principal;
    }
}
