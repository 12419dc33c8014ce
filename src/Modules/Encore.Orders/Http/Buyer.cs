using System.Security.Claims;

namespace Encore.Orders.Http;

/// <summary>Who is asking, from the claims both the cookie and the bearer token carry.</summary>
internal sealed record Buyer(Guid Id, string Email, string Name)
{
    public static Buyer? From(ClaimsPrincipal user)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)) return null;
        var email = user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue(ClaimTypes.Name) ?? "";
        var name = user.FindFirstValue("display_name") ?? (email.Contains('@') ? email[..email.IndexOf('@')] : email);
        return new Buyer(id, email, name);
    }

    public static Guid? IdOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
