using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Infrastructure;

/// <summary>
/// Second factors for the accounts of a test. Organizer and admin accounts must sign in with one;
/// a test gets it the way a person who lost their phone would, with a recovery code, minted in
/// the app for each sign-in so no test depends on the clock.
/// </summary>
internal static class SecondFactor
{
    /// <summary>Signs in through the Identity API, with a fresh recovery code when the account asks for a second factor.</summary>
    public static async Task<JsonObject> LoginAsync(this EncoreAppFactory app, HttpClient client, string email, string password)
    {
        var login = await client.PostAsJsonAsync("/api/identity/login", new { email, password });
        if (login.StatusCode == HttpStatusCode.Unauthorized && (await login.Content.ReadAsStringAsync()).Contains("RequiresTwoFactor", StringComparison.Ordinal))
        {
            var code = await app.NewRecoveryCodeAsync(email);
            login = await client.PostAsJsonAsync("/api/identity/login", new { email, password, twoFactorRecoveryCode = code });
        }
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>One new recovery code for the account (the previous ones stop working).</summary>
    public static async Task<string> NewRecoveryCodeAsync(this EncoreAppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}");
        return Assert.Single((await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 1))!);
    }

    /// <summary>Turns on an authenticator for the account, as if its owner had enrolled one, and returns the key.</summary>
    public static async Task<string> EnableAuthenticatorAsync(this EncoreAppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}");
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }
}
