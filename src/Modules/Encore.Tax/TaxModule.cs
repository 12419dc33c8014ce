using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Identity;
using Encore.Contracts.Tax;
using Encore.Tax.AvaTax;
using Encore.Tax.Calculation;
using Encore.Tax.Invoices;
using Encore.Tax.Rates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tax;

public static class TaxModule
{
    public static IServiceCollection AddTax(this IServiceCollection services, IConfiguration configuration)
    {
        var options = TaxOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(JurisdictionTable.Load(configuration));
        services.AddSingleton<ITaxJurisdictions, TaxJurisdictions>();
        services.AddModuleDbContext<TaxDbContext, SqliteTaxDbContext, PostgresTaxDbContext>(configuration, TaxDbContext.Schema);

        if (options.Provider == "AvaTax")
        {
            services.AddHttpClient<AvaTaxCalculator>(http => http.Timeout = TimeSpan.FromSeconds(options.AvaTax.TimeoutSeconds));
            services.AddScoped<ITaxCalculator>(sp => sp.GetRequiredService<AvaTaxCalculator>());
        }
        else
        {
            services.AddSingleton<ITaxCalculator, BuiltInTaxCalculator>();
        }
        services.AddScoped<InvoiceIssuer>();
        services.AddScoped<IInvoiceIssuer>(sp => sp.GetRequiredService<InvoiceIssuer>());
        return services;
    }

    public static IEndpointRouteBuilder MapTax(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin/tax").WithTags("Tax").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        QuoteTax.Map(admin);
        InvoiceEndpoints.Map(admin);
        return endpoints;
    }
}
