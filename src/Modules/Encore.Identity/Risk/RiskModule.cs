using Encore.Contracts.FlashSale;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Encore.Identity.Risk;

/// <summary>Buyer risk: device reports, admins' flags (shadow bans), the score, and shared secrets.</summary>
internal static class RiskModule
{
    const string RedisPrefix = "encore:risk:";

    public static IServiceCollection AddRisk(this IServiceCollection services)
    {
        services.AddSingleton<SharedSecrets>();
        services.AddSingleton<IDeviceReports>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisDeviceReports(redis, sp.GetRequiredService<TimeProvider>(), RedisPrefix)
            : new InProcessDeviceReports(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<KnownDevices>();
        services.AddSingleton<FlaggedAccounts>();
        services.AddSingleton<BuyerRiskSignals>();
        services.AddSingleton<IBuyerRiskSignals>(sp => sp.GetRequiredService<BuyerRiskSignals>());
        return services;
    }

    public static IEndpointRouteBuilder MapRisk(this IEndpointRouteBuilder endpoints)
    {
        ReportDevice.Map(endpoints);
        AccountFlags.Map(endpoints);
        return endpoints;
    }
}
