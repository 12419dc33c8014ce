using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Identity;

namespace Encore.Identity;

public sealed record DemoAccount(Guid Id, string Email, string Role);

/// <summary>The roles every deployment needs, and one confirmed demo account per role.</summary>
public sealed class IdentityDemoData(UserManager<EncoreUser> users, RoleManager<IdentityRole<Guid>> roles, TimeProvider clock)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role)));
    }

    public async Task<IReadOnlyList<DemoAccount>> EnsureDemoAccountsAsync(string password)
    {
        await EnsureRolesAsync();
        var accounts = new List<DemoAccount>();
        foreach (var role in Roles.All)
        {
            var email = $"{role}@encore.test";
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new EncoreUser
                {
                    Id = Guid.CreateVersion7(),
                    UserName = email,
                    Email = email,
                    EmailConfirmed = true,
                    DisplayName = $"Demo {role}",
                    CreatedAt = clock.GetUtcNow(),
                };
                Check(await users.CreateAsync(user, password));
                if (role != Roles.Buyer) Check(await users.AddToRoleAsync(user, role));
            }
            accounts.Add(new DemoAccount(user.Id, email, role));
        }
        return accounts;
    }

    static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Demo data: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
