using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Encore.Identity.Mfa;

/// <summary>
/// The authenticator-app provider, registered under Identity's authenticator name so the sign-in
/// manager and the Identity API use it. Unlike the framework's, it accepts the current step ±1
/// only and each code once.
/// </summary>
internal sealed class TotpAuthenticatorProvider(IdentityDb db, TimeProvider clock) : IUserTwoFactorTokenProvider<EncoreUser>
{
    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<EncoreUser> manager, EncoreUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    // Codes come from the person's authenticator app; the server never sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<EncoreUser> manager, EncoreUser user) =>
        Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<EncoreUser> manager, EncoreUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        return key is not null && await VerifyAsync(user.Id, key, token);
    }

    /// <summary>Checks a code against a key (the stored one, or one being enrolled) and uses it up.</summary>
    public async Task<bool> VerifyAsync(Guid userId, string base32Key, string? code)
    {
        var key = Totp.DecodeKey(base32Key);
        if (key is null) return false;
        var step = Totp.MatchingStep(key, code, clock.GetUtcNow());
        return step is { } accepted && await TryAcceptAsync(userId, accepted);
    }

    /// <summary>Records the step as used, only if it is later than the last one: one conditional write, so two requests racing with one code cannot both win.</summary>
    async Task<bool> TryAcceptAsync(Guid userId, long step)
    {
        var updated = await db.AuthenticatorSteps
            .Where(s => s.UserId == userId && s.LastAcceptedStep < step)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastAcceptedStep, step));
        if (updated == 1) return true;
        if (await db.AuthenticatorSteps.AnyAsync(s => s.UserId == userId)) return false;

        var first = new AuthenticatorStep { UserId = userId, LastAcceptedStep = step };
        db.AuthenticatorSteps.Add(first);
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            // Another request recorded this user's first code at the same moment.
            return false;
        }
        finally
        {
            db.Entry(first).State = EntityState.Detached;
        }
    }
}
