using System.Net;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Persistence;
using Encore.Identity.Throttling;
using Encore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Encore.Tests.Identity;

/// <summary>One contract for both throttles: what the in-process one does, the Redis one does too.</summary>
public abstract class LoginThrottleContract
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 5, 1, 20, 0, 0, TimeSpan.Zero));
    protected readonly string Key = $"test-{Guid.NewGuid():N}:account:FAN@EXAMPLE.ORG";
    static readonly ThrottleRule Rule = new(FreeFailures: 5, BaseDelay: TimeSpan.FromSeconds(5), MaxDelay: TimeSpan.FromSeconds(60), Window: TimeSpan.FromHours(1));

    private protected abstract ILoginThrottle Throttle { get; }

    [Fact]
    public async Task The_first_failures_are_free()
    {
        for (var i = 1; i <= 5; i++)
            Assert.Equal(new ThrottleState(i, TimeSpan.Zero), await Throttle.RecordFailureAsync(Key, Rule, default));
        Assert.Equal(TimeSpan.Zero, await Throttle.RetryAfterAsync(Key, default));
    }

    [Fact]
    public async Task Each_failure_after_them_doubles_the_pause_up_to_the_cap()
    {
        for (var i = 0; i < 5; i++) await Throttle.RecordFailureAsync(Key, Rule, default);
        var pauses = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var state = await Throttle.RecordFailureAsync(Key, Rule, default);
            Assert.Equal(state.RetryAfter, await Throttle.RetryAfterAsync(Key, default));
            pauses.Add(state.RetryAfter);
            Clock.Advance(state.RetryAfter);
            Assert.Equal(TimeSpan.Zero, await Throttle.RetryAfterAsync(Key, default));
        }
        Assert.Equal([5, 10, 20, 40, 60, 60], pauses.Select(p => (int)p.TotalSeconds));
    }

    [Fact]
    public async Task A_pause_runs_down_with_time()
    {
        for (var i = 0; i < 6; i++) await Throttle.RecordFailureAsync(Key, Rule, default);
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(3), await Throttle.RetryAfterAsync(Key, default));
    }

    [Fact]
    public async Task A_success_resets_the_key()
    {
        for (var i = 0; i < 7; i++) await Throttle.RecordFailureAsync(Key, Rule, default);
        await Throttle.ResetAsync(Key, default);
        Assert.Equal(TimeSpan.Zero, await Throttle.RetryAfterAsync(Key, default));
        Assert.Equal(1, (await Throttle.RecordFailureAsync(Key, Rule, default)).Failures);
    }

    [Fact]
    public async Task Failures_are_forgotten_a_window_after_the_last_one()
    {
        for (var i = 0; i < 7; i++) await Throttle.RecordFailureAsync(Key, Rule, default);
        Clock.Advance(Rule.Window + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, await Throttle.RetryAfterAsync(Key, default));
        Assert.Equal(1, (await Throttle.RecordFailureAsync(Key, Rule, default)).Failures);
    }

    [Fact]
    public async Task Concurrent_failures_all_count()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Throttle.RecordFailureAsync(Key, Rule, default)));
        Assert.Equal(41, (await Throttle.RecordFailureAsync(Key, Rule, default)).Failures);
    }

    [Fact]
    public async Task Keys_are_independent()
    {
        for (var i = 0; i < 7; i++) await Throttle.RecordFailureAsync(Key, Rule, default);
        Assert.Equal(TimeSpan.Zero, await Throttle.RetryAfterAsync(Key + "-other", default));
    }
}

public sealed class InProcessLoginThrottleTests : LoginThrottleContract
{
    private protected override ILoginThrottle Throttle { get; }

    public InProcessLoginThrottleTests() => Throttle = new InProcessLoginThrottle(Clock);
}

public sealed class RedisLoginThrottleTests : LoginThrottleContract, IDisposable
{
    readonly ConnectionMultiplexer redis = ConnectionMultiplexer.Connect(TestServers.Redis);
    private protected override ILoginThrottle Throttle { get; }

    public RedisLoginThrottleTests() => Throttle = new RedisLoginThrottle(redis, Clock);

    public void Dispose() => redis.Dispose();
}

/// <summary>The throttle as people meet it: the login API, the sign-in page, the owner's notice, several instances.</summary>
public sealed class LoginThrottleStoryTests
{
    static readonly DateTimeOffset Start = new(2026, 5, 1, 20, 0, 0, TimeSpan.Zero);

    static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/identity/login", new { email, password });

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task After_five_wrong_passwords_the_API_answers_429_with_Retry_After_and_the_owner_gets_a_notice(StorageProvider provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = EncoreAppFactory.For(provider, seedDemo: true).WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var client = app.CreateClient();

        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, "buyer@encore.test", "not the password at all")).StatusCode);
        // Even the right password waits: the attempt is refused before the password is looked at.
        var paused = await LoginAsync(client, "buyer@encore.test", PageVisitor.DemoPassword);

        Assert.Equal((HttpStatusCode)429, paused.StatusCode);
        Assert.Equal("application/problem+json", paused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), paused.Headers.RetryAfter?.Delta);
        var notice = Assert.Single(app.Service<DevelopmentMailbox>().Newest(), m => m.Message.Subject.Contains("paused", StringComparison.Ordinal));
        Assert.Equal("buyer@encore.test", notice.Message.To);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "buyer@encore.test", PageVisitor.DemoPassword)).StatusCode);
    }

    [Fact]
    public async Task Unknown_addresses_are_throttled_like_accounts_and_nobody_is_mailed()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var client = app.CreateClient();
        for (var i = 0; i < 6; i++) await LoginAsync(client, "nobody@encore.test", "whatever password here");
        Assert.Equal((HttpStatusCode)429, (await LoginAsync(client, "nobody@encore.test", "whatever password here")).StatusCode);
        Assert.DoesNotContain(app.Service<DevelopmentMailbox>().Newest(), m => m.Message.Subject.Contains("paused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_address_guessing_many_accounts_is_throttled_too()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        for (var i = 0; i < 21; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, $"someone{i}@example.org", "whatever password here")).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await LoginAsync(client, "buyer@encore.test", PageVisitor.DemoPassword)).StatusCode);

        var elsewhere = app.CreateClient();
        elsewhere.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.9");
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(elsewhere, "buyer@encore.test", PageVisitor.DemoPassword)).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_says_sign_in_is_paused()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var visitor = PageVisitor.On(app);
        for (var i = 0; i < 6; i++)
            Assert.Contains("The email or the password is not right", (await visitor.SignInAsync("seller@encore.test", "not the password at all")).Html);

        var page = await visitor.SignInAsync("seller@encore.test");

        Assert.Contains("Too many failed sign-ins", page.Html);
        Assert.False(await visitor.IsSignedInAsync());
    }

    [Fact]
    public async Task Two_instances_on_PostgreSQL_and_Redis_share_the_throttle()
    {
        await using var first = EncoreAppFactory.Postgres(seedDemo: true);
        var one = first.CreateClient();
        await using var second = first.AnotherInstance();
        var two = second.CreateClient();

        for (var i = 0; i < 3; i++) await LoginAsync(one, "organizer@encore.test", "not the password at all");
        for (var i = 0; i < 3; i++) await LoginAsync(two, "organizer@encore.test", "not the password at all");

        Assert.Equal((HttpStatusCode)429, (await LoginAsync(one, "organizer@encore.test", PageVisitor.DemoPassword)).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await LoginAsync(two, "organizer@encore.test", PageVisitor.DemoPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(two, "scanner@encore.test", PageVisitor.DemoPassword)).StatusCode);
    }
}
