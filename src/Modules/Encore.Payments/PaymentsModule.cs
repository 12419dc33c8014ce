using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Payments;
using Encore.Payments.Authorization;
using Encore.Payments.Fraud;
using Encore.Payments.Gateway;
using Encore.Payments.Gateway.Simulated;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Payments;

public static class PaymentsModule
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        var options = PaymentsOptions.From(configuration);
        services.AddSingleton(options);
        services.AddModuleDbContext<PaymentsDbContext, SqlitePaymentsDbContext, PostgresPaymentsDbContext>(configuration, PaymentsDbContext.Schema);

        services.AddSingleton<SimulatedGateway>();
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SimulatedGateway>());

        services.AddScoped<FraudScreen>();
        services.AddScoped<PaymentService>();
        services.AddScoped<IPaymentService>(sp => sp.GetRequiredService<PaymentService>());
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder endpoints)
    {
        ReturnFromGateway.Map(endpoints);
        return endpoints;
    }
}
