using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Encore.Identity;

/// <summary>
/// The EF user store, except that an id that is not a Guid finds no user (the framework's store
/// throws a FormatException for one, so /api/identity/confirmEmail?userId=x answered 500), and a
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
}
