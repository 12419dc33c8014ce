namespace Encore.Identity.Mfa;

/// <summary>
/// The last time step whose authenticator code was accepted for a user. A code is accepted only
/// for a later step, so a code seen over someone's shoulder (or replayed from a log) is refused
/// while it is still inside the window.
/// </summary>
internal sealed class AuthenticatorStep
{
    public Guid UserId { get; set; }
    public long LastAcceptedStep { get; set; }
}
