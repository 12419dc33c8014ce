using System.Collections.Concurrent;
using Encore.BuildingBlocks.Live;
using Encore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Encore.Tests.BuildingBlocks;

public sealed class LiveBroadcastTests
{
    [Fact]
    public async Task In_process_delivers_to_every_subscriber_of_the_channel_only()
    {
        var live = new InProcessLiveBroadcast();
        var a = new ConcurrentQueue<string>();
        var b = new ConcurrentQueue<string>();
        var other = new ConcurrentQueue<string>();
        using var subA = await live.SubscribeAsync("queue:1", a.Enqueue);
        using var subB = await live.SubscribeAsync("queue:1", b.Enqueue);
        using var subOther = await live.SubscribeAsync("queue:2", other.Enqueue);

        await live.PublishAsync("queue:1", "42");

        Assert.Equal(["42"], a);
        Assert.Equal(["42"], b);
        Assert.Empty(other);
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing_and_a_throwing_one_does_not_starve_others()
    {
        var live = new InProcessLiveBroadcast();
        var heard = new ConcurrentQueue<string>();
        var gone = new ConcurrentQueue<string>();
        using var thrower = await live.SubscribeAsync("c", _ => throw new InvalidOperationException("subscriber bug"));
        using var listener = await live.SubscribeAsync("c", heard.Enqueue);
        var disposed = await live.SubscribeAsync("c", gone.Enqueue);
        disposed.Dispose();

        await live.PublishAsync("c", "x");

        Assert.Equal(["x"], heard);
        Assert.Empty(gone);
    }

    [Fact]
    public async Task A_failed_redis_subscription_is_not_remembered_as_a_live_channel()
    {
        // Every SUBSCRIBE fails, as one that times out under a burst does.
        await using var unreachable = await TestServers.UnreachableRedisAsync();
        var live = new RedisLiveBroadcast(unreachable);

        await Assert.ThrowsAnyAsync<Exception>(() => live.SubscribeAsync("queue:1", _ => { }));
        // Before the fix the first failure left the channel registered without a Redis subscription:
        // the next subscriber "succeeded" and never heard a message.
        await Assert.ThrowsAnyAsync<Exception>(() => live.SubscribeAsync("queue:1", _ => { }));
    }

    [Fact]
    public async Task Redis_reaches_subscribers_on_another_instance()
    {
        // Two multiplexers stand for two app instances sharing one Redis.
        await using var first = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        await using var second = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var publisher = new RedisLiveBroadcast(first);
        var subscriberInstance = new RedisLiveBroadcast(second);
        var channel = "test:" + Guid.NewGuid().ToString("N");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var alsoReceived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var one = await subscriberInstance.SubscribeAsync(channel, m => received.TrySetResult(m));
        using var two = await subscriberInstance.SubscribeAsync(channel, m => alsoReceived.TrySetResult(m));

        await publisher.PublishAsync(channel, "serving:1200");

        Assert.Equal("serving:1200", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("serving:1200", await alsoReceived.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Lines_opening_together_on_a_new_channel_all_hear_it()
    {
        // A waiting room's lines open in a burst: each awaits the SUBSCRIBE the first one started.
        await using var first = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        await using var second = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var publisher = new RedisLiveBroadcast(first);
        var instance = new RedisLiveBroadcast(second);
        var channel = "test:" + Guid.NewGuid().ToString("N");
        var heard = new ConcurrentDictionary<int, string>();
        var everyone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int lines = 200;

        var subscriptions = await Task.WhenAll(Enumerable.Range(0, lines).Select(i => Task.Run(() => instance.SubscribeAsync(channel, m =>
        {
            heard[i] = m;
            if (heard.Count == lines) everyone.TrySetResult();
        }))));
        await publisher.PublishAsync(channel, "serving:300");
        await everyone.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(heard.Values, m => Assert.Equal("serving:300", m));
        var subscribers = (RedisValue[])(await first.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", "encore:live:" + channel))!;
        Assert.Equal(1, (long)subscribers[1]);
        foreach (var s in subscriptions) s.Dispose();
    }
}
