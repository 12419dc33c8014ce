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

    /// <summary>Calls <paramref name="onMessage"/> for each message on a channel until the returned handle is disposed.</summary>
    IDisposable Subscribe(string channel, Action<string> onMessage);
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

    public IDisposable Subscribe(string channel, Action<string> onMessage)
    {
        var subscribers = channels.GetOrAdd(channel, _ => new ChannelSubscribers());
        return subscribers.Add(onMessage);
    }
}

/// <summary>
/// Several instances: Redis pub/sub. One Redis subscription per channel per instance, however many
/// local subscribers it has, so ten thousand waiting clients on an instance cost Redis one subscription.
/// </summary>
internal sealed class RedisLiveBroadcast(IConnectionMultiplexer redis) : ILiveBroadcast
{
    const string Prefix = "encore:live:";
    readonly ConcurrentDictionary<string, ChannelSubscribers> channels = new();
    readonly Lock gate = new();

    public Task PublishAsync(string channel, string message) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Prefix + channel), message);

    public IDisposable Subscribe(string channel, Action<string> onMessage)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var subscribers))
            {
                var created = new ChannelSubscribers();
                // Remembered only once Redis has the subscription: a SUBSCRIBE that fails (a timeout under a
                // burst of connections) must fail this caller and be tried again by the next, not leave
                // the channel registered and deaf on this instance for good.
                redis.GetSubscriber().Subscribe(RedisChannel.Literal(Prefix + channel)).OnMessage(m => created.Deliver(m.Message.ToString()));
                channels[channel] = subscribers = created;
            }
            return subscribers.Add(onMessage);
        }
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
