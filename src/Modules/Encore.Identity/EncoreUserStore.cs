using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Encore.Identity;

/// <summary>
/// The EF user store, except that an id that is not a Guid finds no user (the framework's store
/// throws a FormatException for one, so /api/identity/confirmEmail?userId=x answered 500), that
/// recovery codes are kept as hashes, so a copy of the database does not sign anyone in, and that a
/// new password hash ends every session of the account in the same save.
/// </summary>
internal sealed class EncoreUserStore(IdentityDb context, TimeProvider clock, IdentityErrorDescriber? describer = null)
    : UserStore<EncoreUser, IdentityRole<Guid>, IdentityDb, Guid>(context, describer)
{
    // Change and reset both set the hash (and the security stamp); so does a rehash after the
    // hasher's settings change, which then signs the account's other browsers out too.
    public override async Task SetPasswordHashAsync(EncoreUser user, string? passwordHash, CancellationToken cancellationToken = default)
    {
        await base.SetPasswordHashAsync(user, passwordHash, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var session in await Context.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).ToListAsync(cancellationToken))
            session.RevokedAt = now;
    }

    public override Task<EncoreUser?> FindByIdAsync(string userId, CancellationToken cancellationToken = default) =>
        Guid.TryParse(userId, out _) ? base.FindByIdAsync(userId, cancellationToken) : Task.FromResult<EncoreUser?>(null);

    public override Task ReplaceCodesAsync(EncoreUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(HashRecoveryCode).ToList(), cancellationToken);

    public override Task<bool> RedeemCodeAsync(EncoreUser user, string code, CancellationToken cancellationToken) =>
        base.RedeemCodeAsync(user, HashRecoveryCode(code), cancellationToken);

    /// <summary>
    /// Codes are random (50 bits from Identity's generator), so a fast hash is enough. Case,
    /// spaces and the hyphen are ignored, as people type them.
    /// </summary>
    internal static string HashRecoveryCode(string code)
    {
        var normalized = new string(code.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }
}
