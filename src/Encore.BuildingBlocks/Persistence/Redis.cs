using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Encore.BuildingBlocks.Persistence;

public static class RedisRegistration
{
    /// <summary>One shared multiplexer when ConnectionStrings:Redis is set; the embedded default has none.</summary>
    public static IServiceCollection AddRedisWhenConfigured(this IServiceCollection services, StorageOptions storage)
    {
        if (storage.RedisConnectionString is { } redis)
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        return services;
    }
}
