using System.Security.Claims;

namespace Encore.Identity.Mfa;

/// <summary>The <c>amr</c> values (RFC 8176) a session carries, and what counts as a second factor.</summary>
public static class AuthenticationMethods
{
    public const string ClaimType = "amr";
    public const string Password = "pwd";
    /// <summary>More than one factor: password and authenticator code or recovery code, or a remembered device after one.</summary>
    public const string MultiFactor = "mfa";
    /// <summary>A hardware-backed key: a passkey, verified with the device's PIN or biometrics.</summary>
    public const string HardwareKey = "hwk";
    public const string OneTimePassword = "otp";

    static readonly string[] SecondFactor = [MultiFactor, HardwareKey, OneTimePassword];

    public static bool HasSecondFactor(this ClaimsPrincipal principal) =>
        principal.FindAll(ClaimType).Any(c => SecondFactor.Contains(c.Value, StringComparer.Ordinal));
}
