using Microsoft.AspNetCore.Identity;

namespace Encore.Identity;

public sealed class EncoreUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
