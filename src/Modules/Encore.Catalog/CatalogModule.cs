using Encore.BuildingBlocks.Persistence;
using Encore.Catalog.Browse;
using Encore.Catalog.Http;
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
        services.AddScoped<CatalogDemoData>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
