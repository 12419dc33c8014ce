using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Encore.Identity.Mfa;

/// <summary>
/// Setting up an authenticator app. The new key travels in the page (protected, bound to the
/// account) and is stored only once a code from the app proves it was copied correctly, so a
/// stored key always means a working app, and a half-finished setup never replaces a working one.
/// </summary>
internal sealed class AuthenticatorEnrolment(
    UserManager<EncoreUser> users, IUserStore<EncoreUser> store, TotpAuthenticatorProvider totp, IDataProtectionProvider protection)
{
    public const int RecoveryCodeCount = 10;

    public sealed record PendingKey(string Key, string Protected);

    public sealed record Enabled(IReadOnlyList<string> NewRecoveryCodes);

    IDataProtector Protector(EncoreUser user) => protection.CreateProtector("Encore.Identity.AuthenticatorEnrolment", user.Id.ToString());

    public PendingKey NewKey(EncoreUser user)
    {
        var key = users.GenerateNewAuthenticatorKey();
        return new PendingKey(key, Protector(user).Protect(key));
    }

    /// <summary>The key a page carried back, or null when it was altered or belongs to another account.</summary>
    public PendingKey? Recover(EncoreUser user, string? protectedKey)
    {
        if (string.IsNullOrEmpty(protectedKey)) return null;
        try
        {
            return new PendingKey(Protector(user).Unprotect(protectedKey), protectedKey);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Stores the key and turns two-factor on when the code matches; null when it does not.</summary>
    public async Task<Enabled?> EnableAsync(EncoreUser user, PendingKey pending, string? code)
    {
        if (!await totp.VerifyAsync(user.Id, pending.Key, code)) return null;
        await ((IUserAuthenticatorKeyStore<EncoreUser>)store).SetAuthenticatorKeyAsync(user, pending.Key, CancellationToken.None);
        // Saves the key together with the flag.
        var result = await users.SetTwoFactorEnabledAsync(user, true);
        if (!result.Succeeded) throw new InvalidOperationException("Could not turn on two-factor: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        return new Enabled(await EnsureRecoveryCodesAsync(user));
    }

    /// <summary>Fresh recovery codes when the account has none left; the codes are shown once and kept only as hashes.</summary>
    public async Task<IReadOnlyList<string>> EnsureRecoveryCodesAsync(EncoreUser user) =>
        await users.CountRecoveryCodesAsync(user) > 0
            ? []
            : (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];

    /// <summary>Turns two-factor off: the authenticator key and the recovery codes go with it.</summary>
    public async Task TurnOffAsync(EncoreUser user)
    {
        await ((IUserAuthenticatorKeyStore<EncoreUser>)store).SetAuthenticatorKeyAsync(user, null!, CancellationToken.None);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        await users.SetTwoFactorEnabledAsync(user, false);
    }
}
