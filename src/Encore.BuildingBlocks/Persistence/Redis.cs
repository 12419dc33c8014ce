using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Encore.BuildingBlocks.Persistence;

public static class RedisRegistration
{
    /// <summary>One shared multiplexer when ConnectionStrings:Redis is set; the embedded default has none.</summary>
    public static IServiceCollection AddRedisWhenConfigured(this IServiceCollection services, StorageOptions storage)
    {
        if (storage.RedisConnectionString is { } redis)
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                // An instance that starts while Redis restarts must come up and reconnect in the
                // background (/readyz reports it unready meanwhile) rather than crash-loop.
                options.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(options);
            });
        return services;
    }
}
