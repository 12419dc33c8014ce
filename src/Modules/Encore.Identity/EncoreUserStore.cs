using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Encore.Identity;

/// <summary>
/// The EF user store, except that an id that is not a Guid finds no user (the framework's store
/// throws a FormatException for one, so /api/identity/confirmEmail?userId=x answered 500), and
/// that recovery codes are kept as hashes, so a copy of the database does not sign anyone in.
/// </summary>
internal sealed class EncoreUserStore(IdentityDb context, IdentityErrorDescriber? describer = null)
    : UserStore<EncoreUser, IdentityRole<Guid>, IdentityDb, Guid>(context, describer)
{
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
