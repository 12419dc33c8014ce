using Encore.Tests.Infrastructure;
using Encore.Web.Gateway;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Encore.Tests.Gateway;

/// <summary>
/// One suite, two bucket stores: in process (embedded) and Redis (scaled, the real server from
/// TestServers). A fake clock drives refills on both; every test uses keys of its own.
/// </summary>
public abstract class TokenBucketContract
{
    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    internal abstract ITokenBuckets CreateStore();

    static string Key(string name) => $"test-{Guid.NewGuid():N}:{name}";

    // Five tokens, one a second.
    static readonly BucketRule FivePerFiveSeconds = new(5, 1 / 1000d);

    [Fact]
    public async Task A_full_bucket_allows_its_burst_then_refuses_until_a_token_refills()
    {
        var store = CreateStore();
        Bucket[] bucket = [new(Key("a"), FivePerFiveSeconds)];
        for (var i = 0; i < 5; i++) Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync(bucket, default));

        var wait = await store.TryTakeAsync(bucket, default);
        Assert.Equal(TimeSpan.FromSeconds(1), wait);

        Clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(TimeSpan.FromMilliseconds(1), await store.TryTakeAsync(bucket, default));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync(bucket, default));
        Assert.True(await store.TryTakeAsync(bucket, default) > TimeSpan.Zero);
    }

    [Fact]
    public async Task Refill_never_exceeds_the_capacity()
    {
        var store = CreateStore();
        Bucket[] bucket = [new(Key("a"), FivePerFiveSeconds)];
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync(bucket, default));
        Clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++) Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync(bucket, default));
        Assert.True(await store.TryTakeAsync(bucket, default) > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_refused_request_takes_from_no_bucket()
    {
        var store = CreateStore();
        var account = new Bucket(Key("account"), new BucketRule(1, 1 / 60_000d));
        var address = new Bucket(Key("address"), FivePerFiveSeconds);
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync([account, address], default));

        // The account is spent: three refusals leave the address's four tokens alone.
        for (var i = 0; i < 3; i++)
            Assert.Equal(TimeSpan.FromMinutes(1), await store.TryTakeAsync([account, address], default));
        for (var i = 0; i < 4; i++) Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync([address], default));
        Assert.Equal(TimeSpan.FromSeconds(1), await store.TryTakeAsync([address], default));
    }

    [Fact]
    public async Task The_longest_wait_of_the_empty_buckets_is_the_answer()
    {
        var store = CreateStore();
        var slow = new Bucket(Key("slow"), new BucketRule(1, 1 / 10_000d));
        var fast = new Bucket(Key("fast"), new BucketRule(1, 1 / 1000d));
        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync([slow, fast], default));
        Assert.Equal(TimeSpan.FromSeconds(10), await store.TryTakeAsync([slow, fast], default));
    }

    [Fact]
    public async Task Parallel_requests_never_take_more_than_the_bucket_holds()
    {
        var store = CreateStore();
        Bucket[] shared = [new(Key("crowd"), new BucketRule(10, 1 / 3_600_000d))];
        using var start = new SemaphoreSlim(0);
        var takes = Enumerable.Range(0, 100).Select(async i =>
        {
            await start.WaitAsync();
            // Each caller also has a bucket of its own, as accounts do.
            return await store.TryTakeAsync([.. shared, new Bucket(Key($"own-{i}"), FivePerFiveSeconds)], default);
        }).ToList();
        start.Release(100);
        var results = await Task.WhenAll(takes);
        Assert.Equal(10, results.Count(w => w == TimeSpan.Zero));
    }
}

public sealed class InProcessTokenBucketTests : TokenBucketContract
{
    internal override ITokenBuckets CreateStore() => new InProcessTokenBuckets(Clock);
}

public sealed class RedisTokenBucketTests : TokenBucketContract
{
    static readonly Lazy<ConnectionMultiplexer> Redis = new(() => ConnectionMultiplexer.Connect(TestServers.Redis));

    internal override ITokenBuckets CreateStore() => new RedisTokenBuckets(Redis.Value, Clock);
}
