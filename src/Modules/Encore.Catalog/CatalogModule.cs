using Encore.BuildingBlocks.Persistence;
using Encore.Catalog.Browse;
using Encore.Catalog.Events;
using Encore.Catalog.Http;
using Encore.Catalog.Organizers;
using Encore.Catalog.Venues;
using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Catalog;

public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CatalogDbContext, SqliteCatalogDbContext, PostgresCatalogDbContext>(configuration, CatalogDbContext.Schema);
        services.AddScoped<CatalogQueries>();
        services.AddScoped<IdempotentCreate>();
        services.AddSingleton<IdempotencyPruning>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencyPruning>());
        services.AddScoped<CatalogDemoData>();
        services.AddScoped<Contracts.Catalog.ICatalogInventorySource, Inventory.CatalogInventorySource>();
        services.AddScoped<Contracts.Catalog.ICatalogCheckoutSource, Inventory.CatalogCheckoutSource>();
        services.AddScoped<Contracts.Catalog.ICatalogSchedule, Inventory.CatalogSchedule>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder endpoints)
    {
        PublicCatalog.Map(endpoints);

        var organizer = endpoints.MapGroup("/api/organizer").WithTags("Organizer").RequireAuthorization(Policies.Organizer)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        OrganizerVenues.Map(organizer);
        OrganizerEvents.Map(organizer);
        EventPerformances.Map(organizer);
        EventTiers.Map(organizer);
        EventWindows.Map(organizer);
        EventLifecycle.Map(organizer);

        var admin = endpoints.MapGroup("/api/admin/organizers").WithTags("Admin").RequireAuthorization(Policies.Admin);
        AdminOrganizers.Map(admin);
        return endpoints;
    }
}
