using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Encore.BuildingBlocks.Live;

/// <summary>
/// Small messages to every instance's live connections: the waiting room's serving counter, a
/// performance's availability version. Each instance subscribes once per channel and fans the
/// message out to its own clients, so one publish reaches every waiting browser. Delivery is
/// at most once: subscribers treat a message as a hint and can always re-read the current state.
/// </summary>
public interface ILiveBroadcast
{
    /// <summary>Sends a message to every instance's subscribers of a channel.</summary>
    Task PublishAsync(string channel, string message);

    /// <summary>
    /// Calls <paramref name="onMessage"/> for each message on a channel until the returned handle is
    /// disposed; throws when the instance cannot listen (Redis unreachable), and the next call tries again.
    /// </summary>
    Task<IDisposable> SubscribeAsync(string channel, Action<string> onMessage);
}

/// <summary>One process: the embedded default.</summary>
internal sealed class InProcessLiveBroadcast : ILiveBroadcast
{
    readonly ConcurrentDictionary<string, ChannelSubscribers> channels = new();

    public Task PublishAsync(string channel, string message)
    {
        if (channels.TryGetValue(channel, out var subscribers)) subscribers.Deliver(message);
        return Task.CompletedTask;
    }

    public Task<IDisposable> SubscribeAsync(string channel, Action<string> onMessage) =>
        Task.FromResult(channels.GetOrAdd(channel, _ => new ChannelSubscribers()).Add(onMessage));
}

/// <summary>
/// Several instances: Redis pub/sub. One Redis subscription per channel per instance, however many
/// local subscribers it has, so ten thousand waiting clients on an instance cost Redis one subscription.
/// </summary>
/// <remarks>
/// The first subscriber of a channel starts the SUBSCRIBE and every other one awaits that same
/// attempt. Nothing blocks a thread meanwhile: when thousands of waiting-room lines opened at once,
/// a blocking SUBSCRIBE under a lock held one thread-pool thread per line, starved the pool, and
/// the instance's other Redis calls timed out (the benchmark's push step, docs/PERFORMANCE.md).
/// </remarks>
internal sealed class RedisLiveBroadcast(IConnectionMultiplexer redis) : ILiveBroadcast
{
    const string Prefix = "encore:live:";
    readonly ConcurrentDictionary<string, Lazy<Task<ChannelSubscribers>>> channels = new();

    public Task PublishAsync(string channel, string message) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Prefix + channel), message);

    public async Task<IDisposable> SubscribeAsync(string channel, Action<string> onMessage)
    {
        var listening = channels.GetOrAdd(channel, c => new Lazy<Task<ChannelSubscribers>>(() => ListenAsync(c)));
        try
        {
            return (await listening.Value).Add(onMessage);
        }
        catch (Exception)
        {
            // Remembered only once Redis has the subscription: a SUBSCRIBE that fails must fail its
            // callers and be tried again by the next one, not leave the channel deaf here for good.
            channels.TryRemove(new KeyValuePair<string, Lazy<Task<ChannelSubscribers>>>(channel, listening));
            throw;
        }
    }

    async Task<ChannelSubscribers> ListenAsync(string channel)
    {
        var subscribers = new ChannelSubscribers();
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Prefix + channel));
        queue.OnMessage(m => subscribers.Deliver(m.Message.ToString()));
        return subscribers;
    }
}

/// <summary>The local subscribers of one channel.</summary>
internal sealed class ChannelSubscribers
{
    readonly ConcurrentDictionary<long, Action<string>> handlers = new();
    long next;

    public IDisposable Add(Action<string> handler)
    {
        var id = Interlocked.Increment(ref next);
        handlers[id] = handler;
        return new Subscription(() => handlers.TryRemove(id, out _));
    }

    public void Deliver(string message)
    {
        foreach (var handler in handlers.Values)
        {
            // A subscriber that throws must not starve the others of the message.
            try { handler(message); }
            catch (Exception) { }
        }
    }

    sealed class Subscription(Action dispose) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
        }
    }
}

public static class LiveBroadcastRegistration
{
    /// <summary>Redis pub/sub when Redis is configured (scaled), in-process otherwise.</summary>
    public static IServiceCollection AddLiveBroadcast(this IServiceCollection services, Persistence.StorageOptions storage)
    {
        if (storage.RedisConnectionString is not null)
            services.AddSingleton<ILiveBroadcast>(sp => new RedisLiveBroadcast(sp.GetRequiredService<IConnectionMultiplexer>()));
        else
            services.AddSingleton<ILiveBroadcast, InProcessLiveBroadcast>();
        return services;
    }
}
