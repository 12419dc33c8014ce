using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.FlashSale;
using Encore.Contracts.Identity;
using Encore.WaitingRoom.Buyers;
using Encore.WaitingRoom.Live;
using Encore.WaitingRoom.Organizer;
using Encore.WaitingRoom.Queue;
using Encore.WaitingRoom.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Encore.WaitingRoom;

public static class WaitingRoomModule
{
    public static IServiceCollection AddWaitingRoom(this IServiceCollection services, IConfiguration configuration)
    {
        var options = WaitingRoomOptions.From(configuration);
        var storage = StorageOptions.From(configuration);
        services.AddSingleton(options);
        services.AddModuleDbContext<WaitingRoomDbContext, SqliteWaitingRoomDbContext, PostgresWaitingRoomDbContext>(configuration, WaitingRoomDbContext.Schema);

        // Redis when scaled (every instance must see one line); in memory when embedded.
        var redis = options.QueueStore == "Redis" || (options.QueueStore is null && storage.RedisConnectionString is not null);
        if (redis)
            services.AddSingleton<IQueueStore>(sp => new RedisQueueStore(sp.GetRequiredService<IConnectionMultiplexer>()));
        else
            services.AddSingleton<IQueueStore, InProcessQueueStore>();

        services.AddSingleton<QueueDirectory>();
        services.AddSingleton<AdmissionKeyRing>();
        services.AddSingleton<AdmissionTokens>();
        services.AddSingleton<QueueService>();
        services.AddSingleton<IAdmissionGate, AdmissionGate>();
        services.AddSingleton<QueueAdvancer>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueAdvancer>());
        return services;
    }

    public static IEndpointRouteBuilder MapWaitingRoom(this IEndpointRouteBuilder endpoints)
    {
        PublicQueue.Map(endpoints);

        var buyer = endpoints.MapGroup("/api").WithTags("Waiting room").RequireAuthorization(Policies.SignedIn)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        BuyerQueue.Map(buyer);
        LiveQueue.Map(buyer);

        var organizer = endpoints.MapGroup("/api/organizer").WithTags("Organizer waiting room").RequireAuthorization(Policies.Organizer)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        OrganizerQueue.Map(organizer);
        return endpoints;
    }
}
