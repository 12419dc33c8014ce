namespace Encore.Contracts.Identity;

/// <summary>The roles of the platform; an account may hold several.</summary>
public static class Roles
{
    /// <summary>Buys tickets; every registered account has it.</summary>
    public const string Buyer = "buyer";
    /// <summary>Resells tickets and receives payouts.</summary>
    public const string Seller = "seller";
    /// <summary>Works for an organizer organization and manages only its events.</summary>
    public const string Organizer = "organizer";
    /// <summary>Scans tickets at the gates of assigned performances.</summary>
    public const string Scanner = "scanner";
    /// <summary>Operates the platform.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in display order.</summary>
    public static readonly IReadOnlyList<string> All = [Buyer, Seller, Organizer, Scanner, Admin];
}

/// <summary>The authorization policies every endpoint names explicitly.</summary>
public static class Policies
{
    /// <summary>Any signed-in account.</summary>
    public const string SignedIn = "signed-in";
    /// <summary>A member of an organizer organization.</summary>
    public const string Organizer = "organizer";
    /// <summary>Gate staff.</summary>
    public const string Scanner = "scanner";
    /// <summary>Platform operators.</summary>
    public const string Admin = "admin";
}

/// <summary>
/// Decides whether an account must use a second factor. Identity requires it for the organizer and
/// admin roles; a module that holds something worth protecting (a stored payment method, payouts)
/// registers its own rule and the same enforcement applies.
/// </summary>
public interface IMultiFactorRule
{
    /// <summary>Why this account needs a second factor, in words for the person; null when this rule does not require one.</summary>
    ValueTask<string?> ReasonAsync(System.Security.Claims.ClaimsPrincipal principal, CancellationToken cancellationToken);
}
