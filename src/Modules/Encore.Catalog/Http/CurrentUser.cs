using System.Security.Claims;

namespace Encore.Catalog.Http;

internal static class CurrentUser
{
    /// <summary>The Identity user id of the signed-in principal, from the name-identifier claim both cookie and bearer carry.</summary>
    public static Guid? Id(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
