using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Identity.Risk;

/// <summary>
/// Secrets the instances must agree on but nobody configured: made on first use (32 random bytes),
/// stored in the database sealed by Data Protection (whose keys every instance already shares), and
/// read back by every other instance. Two instances that create one at once both insert; the loser
/// reads the winner's.
/// </summary>
internal sealed class SharedSecrets(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock)
{
    readonly IDataProtector protector = protection.CreateProtector("Encore.Identity.SharedSecrets.v1");
    readonly ConcurrentDictionary<string, Lazy<Task<string>>> cache = new(StringComparer.Ordinal);

    /// <summary>The secret as text (base64url of 32 bytes).</summary>
    public async Task<string> GetAsync(string name)
    {
        var entry = cache.GetOrAdd(name, n => new Lazy<Task<string>>(() => LoadOrCreateAsync(n)));
        try
        {
            return await entry.Value;
        }
        catch
        {
            // A database that failed once is asked again next time.
            cache.TryRemove(KeyValuePair.Create(name, entry));
            throw;
        }
    }

    async Task<string> LoadOrCreateAsync(string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            if (await db.SharedSecrets.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name) is { } found)
                return protector.Unprotect(found.Protected);
            var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            db.SharedSecrets.Add(new SharedSecret { Name = name, Protected = protector.Protect(value), CreatedAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync();
                return value;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another instance created it first: read theirs.
            }
        }
    }
}
