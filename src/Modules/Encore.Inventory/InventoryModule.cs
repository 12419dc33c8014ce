using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Contracts.FlashSale;
using Encore.Contracts.Identity;
using Encore.Inventory.Availability;
using Encore.Inventory.Holds;
using Encore.Inventory.Live;
using Encore.Inventory.Pools;
using Encore.Inventory.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Encore.Inventory;

public static class InventoryModule
{
    /// <summary>The key of the store behind the live feed (tests wrap it).</summary>
    internal const string HoldStoreBackend = "backend";

    public static IServiceCollection AddInventory(this IServiceCollection services, IConfiguration configuration)
    {
        var options = InventoryOptions.From(configuration);
        var storage = StorageOptions.From(configuration);
        services.AddSingleton(options);
        services.AddModuleDbContext<InventoryDbContext, SqliteInventoryDbContext, PostgresInventoryDbContext>(configuration, InventoryDbContext.Schema);

        // Redis when the instance is scaled (several instances must see one set of holds); in memory when embedded.
        var redis = options.HoldStore == "Redis" || (options.HoldStore is null && storage.RedisConnectionString is not null);
        if (options.HoldStore == "AdvisoryLock")
        {
            if (!storage.IsPostgres) throw new InvalidOperationException("Encore:Inventory:HoldStore=AdvisoryLock needs Encore:Storage=Postgres.");
            services.AddKeyedSingleton<IHoldStore>(HoldStoreBackend, (sp, _) =>
                new AdvisoryLockHoldStore(AdvisoryLockHoldStore.DataSource(storage.ConnectionString), sp.GetRequiredService<TimeProvider>()));
        }
        else if (redis)
            services.AddKeyedSingleton<IHoldStore>(HoldStoreBackend, (sp, _) => new RedisHoldStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>()));
        else
            services.AddKeyedSingleton<IHoldStore>(HoldStoreBackend, (sp, _) => new InProcessHoldStore(sp.GetRequiredService<TimeProvider>()));
        // The app sees the store through the live feed, which publishes what each change did.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AvailabilityFeed>(sp, sp.GetRequiredKeyedService<IHoldStore>(HoldStoreBackend)));
        services.AddSingleton<IHoldStore>(sp => new LiveHoldStore(sp.GetRequiredKeyedService<IHoldStore>(HoldStoreBackend), sp.GetRequiredService<AvailabilityFeed>()));
        services.AddHostedService<AvailabilityFeedService>();

        services.AddSingleton<LateHoldReleases>();
        services.AddHostedService<HoldStoreWarmup>();
        services.AddSingleton(sp => new LayoutCache(
            options, sp.GetRequiredService<TimeProvider>(),
            performanceId => HoldService.ReadInOwnScopeAsync(sp.GetRequiredService<IServiceScopeFactory>(), performanceId),
            sp.GetRequiredService<ILogger<LayoutCache>>()));
        services.AddScoped<InventorySync>();
        services.AddScoped<HoldService>();
        services.AddScoped<Contracts.Inventory.IHoldCheckout, Checkout.HoldCheckout>();
        services.AddScoped<Sales.OrdersConsumer>();
        services.AddScoped<IIntegrationEventHandler<Contracts.Orders.OrderPaid>>(sp => sp.GetRequiredService<Sales.OrdersConsumer>());
        services.AddScoped<IIntegrationEventHandler<Contracts.Orders.AdmissionsRefunded>>(sp => sp.GetRequiredService<Sales.OrdersConsumer>());
        services.AddScoped<CatalogEventsConsumer>();
        services.AddScoped<IIntegrationEventHandler<EventPublished>>(sp => sp.GetRequiredService<CatalogEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<EventChanged>>(sp => sp.GetRequiredService<CatalogEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<EventCancelled>>(sp => sp.GetRequiredService<CatalogEventsConsumer>());
        return services;
    }

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder endpoints)
    {
        GetAvailability.Map(endpoints);
        AvailabilityStream.Map(endpoints);

        var buyer = endpoints.MapGroup("/api").WithTags("Holds").RequireAuthorization(Policies.SignedIn)
            .RequireRateLimiting(RateLimitPolicies.Holds)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        PlaceHold.Map(buyer);
        ManageHold.Map(buyer);

        var organizer = endpoints.MapGroup("/api/organizer").WithTags("Organizer inventory").RequireAuthorization(Policies.Organizer)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        OrganizerInventory.Map(organizer);
        return endpoints;
    }
}
