using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Encore.Identity;

/// <summary>
/// The EF user store, except that an id that is not a Guid finds no user. The framework's store
/// throws a FormatException for one, so /api/identity/confirmEmail?userId=x answered 500.
/// </summary>
internal sealed class EncoreUserStore(IdentityDb context, IdentityErrorDescriber? describer = null)
    : UserStore<EncoreUser, IdentityRole<Guid>, IdentityDb, Guid>(context, describer)
{
    public override Task<EncoreUser?> FindByIdAsync(string userId, CancellationToken cancellationToken = default) =>
        Guid.TryParse(userId, out _) ? base.FindByIdAsync(userId, cancellationToken) : Task.FromResult<EncoreUser?>(null);
}
