using System.Text;
using Encore.Identity;
using Encore.Identity.Mfa;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Identity;

public sealed class TotpTests
{
    static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 appendix B (SHA-1), the last six of the eight digits.
    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    [InlineData(20000000000L, "353130")]
    public void Codes_match_the_RFC_6238_test_vectors(long unixSeconds, string expected) =>
        Assert.Equal(expected, Totp.Code(RfcKey, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds))));

    [Fact]
    public void Base32_keys_decode_as_authenticator_apps_read_them()
    {
        // "12345678901234567890" in base32, as an app would be given it.
        Assert.Equal(RfcKey, Totp.DecodeKey("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        Assert.Equal(RfcKey, Totp.DecodeKey("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Null(Totp.DecodeKey("not base32 at all!"));
        Assert.Null(Totp.DecodeKey(""));
    }

    [Fact]
    public async Task A_code_is_accepted_one_step_either_side_of_now_and_no_further()
    {
        await using var fixture = await Fixture.StartAsync();
        var now = fixture.Clock.GetUtcNow();
        var step = Totp.StepAt(now);

        Assert.False(await fixture.VerifyAsync(step - 2));
        Assert.False(await fixture.VerifyAsync(step + 2));
        Assert.True(await fixture.VerifyAsync(step - 1));
        Assert.True(await fixture.VerifyAsync(step));
        Assert.True(await fixture.VerifyAsync(step + 1));
        Assert.False(await fixture.VerifyAsync(step + 2));
    }

    [Fact]
    public async Task A_code_is_accepted_once_and_never_an_older_one_after_it()
    {
        await using var fixture = await Fixture.StartAsync();
        var step = Totp.StepAt(fixture.Clock.GetUtcNow());

        Assert.True(await fixture.VerifyAsync(step));
        // Replayed inside its window (ten seconds later, the same code is still current).
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await fixture.VerifyAsync(step));
        // The previous step's code is in the window but older than the one used.
        Assert.False(await fixture.VerifyAsync(step - 1));
        // The next code is fine, once.
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await fixture.VerifyAsync(step + 1));
        Assert.False(await fixture.VerifyAsync(step + 1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData(null)]
    public async Task Malformed_codes_are_refused(string? code)
    {
        await using var fixture = await Fixture.StartAsync();
        Assert.False(await fixture.Provider.VerifyAsync(fixture.UserId, fixture.Key, code));
    }

    [Fact]
    public async Task Codes_of_one_account_do_not_use_up_another_accounts_step()
    {
        await using var fixture = await Fixture.StartAsync();
        var step = Totp.StepAt(fixture.Clock.GetUtcNow());
        Assert.True(await fixture.VerifyAsync(step));
        var other = await fixture.NewUserAsync();
        Assert.True(await fixture.Provider.VerifyAsync(other, fixture.Key, Totp.Code(Totp.DecodeKey(fixture.Key)!, step)));
    }

    /// <summary>The provider on a real Identity database (the step is stored per user) with a fake clock.</summary>
    sealed class Fixture : IAsyncDisposable
    {
        readonly EncoreAppFactory app;
        readonly AsyncServiceScope scope;

        Fixture(EncoreAppFactory app, AsyncServiceScope scope, Guid userId)
        {
            this.app = app;
            this.scope = scope;
            UserId = userId;
            Provider = new TotpAuthenticatorProvider(scope.ServiceProvider.GetRequiredService<IdentityDb>(), Clock);
        }

        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 5, TimeSpan.Zero));
        public Guid UserId { get; }
        public string Key { get; } = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        public TotpAuthenticatorProvider Provider { get; }

        public static async Task<Fixture> StartAsync()
        {
            var app = EncoreAppFactory.Sqlite();
            _ = app.Services;
            var scope = app.Services.CreateAsyncScope();
            var fixture = new Fixture(app, scope, await NewUserAsync(scope));
            return fixture;
        }

        public Task<Guid> NewUserAsync() => NewUserAsync(scope);

        static async Task<Guid> NewUserAsync(AsyncServiceScope scope)
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
            var email = $"totp-{Guid.NewGuid():N}@example.org";
            var user = new EncoreUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, DisplayName = "Totp" };
            Assert.True((await users.CreateAsync(user)).Succeeded);
            return user.Id;
        }

        public Task<bool> VerifyAsync(long step) =>
            Provider.VerifyAsync(UserId, Key, Totp.Code(Totp.DecodeKey(Key)!, step));

        public async ValueTask DisposeAsync()
        {
            await scope.DisposeAsync();
            await app.DisposeAsync();
        }
    }
}
