using Microsoft.AspNetCore.Identity;

namespace Encore.Identity.Passwords;

/// <summary>
/// NIST SP 800-63B-4 passwords: length and a check against known passwords, no composition rules,
/// any Unicode. 15 characters for an account that signs in with a password alone, 8 once it has a
/// second factor; up to 256 accepted. Registration, reset and change (pages and API) all pass here.
/// </summary>
internal sealed class PasswordPolicyValidator(IBreachedPasswords breached) : IPasswordValidator<EncoreUser>
{
    public const int SingleFactorMinimum = 15;
    public const int MultiFactorMinimum = 8;
    public const int Maximum = 256;

    public async Task<IdentityResult> ValidateAsync(UserManager<EncoreUser> manager, EncoreUser user, string? password)
    {
        password ??= "";
        // NIST counts each Unicode code point as one character, not UTF-16 units.
        var length = password.EnumerateRunes().Count();
        var minimum = await manager.GetTwoFactorEnabledAsync(user) ? MultiFactorMinimum : SingleFactorMinimum;
        if (length < minimum)
            return Fail("PasswordTooShort", minimum == SingleFactorMinimum
                ? $"Use at least {SingleFactorMinimum} characters. A few unrelated words make a long password that is easy to remember."
                : $"Use at least {MultiFactorMinimum} characters.");
        if (length > Maximum)
            return Fail("PasswordTooLong", $"Use at most {Maximum} characters.");
        if (string.Equals(password.Trim(), user.Email?.Trim(), StringComparison.OrdinalIgnoreCase)
            || string.Equals(password.Trim(), user.UserName?.Trim(), StringComparison.OrdinalIgnoreCase))
            return Fail("PasswordIsEmail", "Your password cannot be your email address.");
        if (await breached.IsBreachedAsync(password, CancellationToken.None))
            return Fail("PasswordBreached", "This password is on lists of leaked or common passwords that attackers try first. Choose another one.");
        return IdentityResult.Success;
    }

    static IdentityResult Fail(string code, string description) =>
        IdentityResult.Failed(new IdentityError { Code = code, Description = description });
}
