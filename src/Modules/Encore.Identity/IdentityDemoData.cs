using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Identity;

namespace Encore.Identity;

public sealed record DemoAccount(Guid Id, string Email, string Role, bool SecondFactor);

/// <summary>The roles every deployment needs, and one confirmed demo account per role.</summary>
public sealed class IdentityDemoData(UserManager<EncoreUser> users, IUserStore<EncoreUser> store, RoleManager<IdentityRole<Guid>> roles, TimeProvider clock)
{
    /// <summary>Roles whose accounts must sign in with a second factor, so their demo accounts get an authenticator.</summary>
    static readonly string[] SecondFactorRoles = [Roles.Organizer, Roles.Admin];

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role)));
    }

    /// <param name="password">The password of every demo account.</param>
    /// <param name="authenticatorKey">The base32 authenticator key of the organizer and admin demo accounts, which must sign in with a second factor.</param>
    public async Task<IReadOnlyList<DemoAccount>> EnsureDemoAccountsAsync(string password, string authenticatorKey)
    {
        if (Mfa.Totp.DecodeKey(authenticatorKey) is not { Length: >= 16 })
            throw new InvalidOperationException("Demo data: the authenticator key must be base32 of at least 16 bytes (26 characters or more).");
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
            var secondFactor = SecondFactorRoles.Contains(role);
            if (secondFactor && !await users.GetTwoFactorEnabledAsync(user))
            {
                await ((IUserAuthenticatorKeyStore<EncoreUser>)store).SetAuthenticatorKeyAsync(user, authenticatorKey.ToUpperInvariant(), CancellationToken.None);
                // Saves the key with the flag.
                Check(await users.SetTwoFactorEnabledAsync(user, true));
            }
            accounts.Add(new DemoAccount(user.Id, email, role, secondFactor));
        }
        return accounts;
    }

    static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Demo data: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
