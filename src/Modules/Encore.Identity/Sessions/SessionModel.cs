namespace Encore.Identity.Sessions;

/// <summary>
/// A signed-in browser: the auth cookie carries only this row's id, so revoking the row signs the
/// browser out on every instance, and the row is bound to the browser's device cookie.
/// </summary>
internal sealed class UserSession
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public Guid DeviceId { get; init; }
    /// <summary>SHA-256 of the client's optional device signal header at sign-in; later requests must send the same.</summary>
    public string? DeviceSignalHash { get; init; }
    public string UserAgent { get; init; } = "";
    public string? Country { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    // A session waiting for its step-up code is useless until the code comes back.
    public StepUpReason StepUp { get; set; }
    public string? StepUpCodeHash { get; set; }
    public DateTimeOffset? StepUpExpiresAt { get; set; }
    public int StepUpAttempts { get; set; }
}

/// <summary>A browser (device cookie) that has completed a sign-in to the account.</summary>
internal sealed class KnownDevice
{
    public Guid UserId { get; init; }
    public Guid DeviceId { get; init; }
    public string UserAgent { get; set; } = "";
    public DateTimeOffset FirstSeenAt { get; init; }
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>A country the account has completed a sign-in from.</summary>
internal sealed class KnownCountry
{
    public Guid UserId { get; init; }
    public string Country { get; init; } = "";
    public DateTimeOffset FirstSeenAt { get; init; }
}
