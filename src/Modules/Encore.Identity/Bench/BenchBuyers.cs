using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Encore.Identity.Bench;

/// <summary>
/// Bench only (docs/simulator.md): creates simulated buyer accounts <c>sim{n}@bench.test</c> straight
/// into the identity tables and mints each a bearer token, the kind <c>/api/identity/login</c> issues,
/// so the flash-sale simulator can have 100,000 signed-in buyers without 100,000 PBKDF2 sign-ins.
/// The accounts have no password at all: nothing about production hashing changes, and nobody can sign
/// in to them; the minted token is their only session. It never touches an account outside
/// <see cref="Domain"/>, and refuses to run unless <see cref="EnableKey"/> is set and the environment
/// is not Production.
/// </summary>
internal sealed class BenchBuyers(IdentityDb db, ILookupNormalizer normalizer, IOptions<IdentityOptions> identity,
    IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
{
    public const string Domain = "bench.test";
    public const string EnableKey = "Encore:Bench:MintSessions";
    const int Batch = 5000;

    /// <summary>Why this process may not mint sessions, or null when it may.</summary>
    public static string? Refusal(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsProduction()
            ? "bench-buyers refused: the environment is Production. Bench accounts and minted sessions exist only in a benchmark's throwaway database."
            : !configuration.GetValue<bool>(EnableKey)
                ? $"bench-buyers refused: set {EnableKey}=true (Encore__Bench__MintSessions=true) to confirm this database is a benchmark's."
                : null;

    public static string Email(int n) => $"sim{n.ToString(CultureInfo.InvariantCulture)}@{Domain}";

    /// <param name="UserId">The account id (what the admin API flags).</param>
    /// <param name="AccessToken">A bearer token for the API, valid on every instance (the data-protection keys live in the database).</param>
    public sealed record Buyer(int Number, Guid UserId, string Email, string AccessToken);

    /// <summary>Accounts sim{first}..sim{first+count-1}, created when missing, each with a fresh token valid for <paramref name="lifetime"/>.</summary>
    public async Task<int> WriteAsync(int first, int count, TimeSpan lifetime, Func<Buyer, Task> write, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(first);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var protector = bearer.Get(IdentityConstants.BearerScheme).BearerTokenProtector;
        var claimTypes = identity.Value.ClaimsIdentity;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var created = 0;
        for (var start = first; start < first + count; start += Batch)
        {
            var numbers = Enumerable.Range(start, Math.Min(Batch, first + count - start)).ToList();
            var normalized = numbers.ToDictionary(n => normalizer.NormalizeEmail(Email(n))!, n => n);
            var keys = normalized.Keys.ToList();
            var existing = await db.Users.AsNoTracking().Where(u => keys.Contains(u.NormalizedEmail!)).ToListAsync(ct);
            var users = existing.ToDictionary(u => normalized[u.NormalizedEmail!]);
            var now = clock.GetUtcNow();
            foreach (var n in numbers.Where(n => !users.ContainsKey(n)))
            {
                var email = Email(n);
                var user = new EncoreUser
                {
                    Id = Guid.CreateVersion7(),
                    UserName = email,
                    NormalizedUserName = normalizer.NormalizeName(email),
                    Email = email,
                    NormalizedEmail = normalizer.NormalizeEmail(email),
                    EmailConfirmed = true,
                    PasswordHash = null,
                    SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
                    ConcurrencyStamp = Guid.NewGuid().ToString(),
                    LockoutEnabled = true,
                    DisplayName = $"Simulated buyer {n.ToString(CultureInfo.InvariantCulture)}",
                    CreatedAt = now,
                };
                db.Users.Add(user);
                users[n] = user;
                created++;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();

            var expires = clock.GetUtcNow() + lifetime;
            foreach (var n in numbers)
            {
                var user = users[n];
                var ticket = new AuthenticationTicket(Principal(user, claimTypes),
                    new AuthenticationProperties { IssuedUtc = clock.GetUtcNow(), ExpiresUtc = expires }, IdentityConstants.BearerScheme);
                await write(new Buyer(n, user.Id, user.Email!, protector.Protect(ticket)));
            }
        }
        return created;
    }

    /// <summary>
    /// The claims the framework's principal factory gives an account without roles or claims of its own
    /// (which these accounts are), without its two queries per account. No "amr": no password was used.
    /// </summary>
    internal static ClaimsPrincipal Principal(EncoreUser user, ClaimsIdentityOptions types)
    {
        var id = new ClaimsIdentity(IdentityConstants.ApplicationScheme, types.UserNameClaimType, types.RoleClaimType);
        id.AddClaim(new Claim(types.UserIdClaimType, user.Id.ToString()));
        id.AddClaim(new Claim(types.UserNameClaimType, user.UserName!));
        id.AddClaim(new Claim(types.EmailClaimType, user.Email!));
        id.AddClaim(new Claim(types.SecurityStampClaimType, user.SecurityStamp!));
        return new ClaimsPrincipal(id);
    }
}
