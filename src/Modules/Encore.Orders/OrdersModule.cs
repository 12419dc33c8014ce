using Encore.BuildingBlocks.Http;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Contracts.Identity;
using Encore.Contracts.MoneyFlow;
using Encore.Contracts.Orders;
using Encore.Contracts.Payments;
using Encore.Orders.Checkout;
using Encore.Orders.Notices;
using Encore.Orders.Organizer;
using Encore.Orders.Pricing;
using Encore.Orders.Reconciliation;
using Encore.Orders.Refunds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Orders;

public static class OrdersModule
{
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OrdersOptions.From(configuration));
        services.AddModuleDbContext<OrdersDbContext, SqliteOrdersDbContext, PostgresOrdersDbContext>(configuration, OrdersDbContext.Schema);
        services.AddIdempotency<OrdersDbContext>();
        services.AddScoped<OrderPricing>();
        services.AddScoped<CheckoutService>();
        services.AddScoped<RefundService>();
        services.AddSingleton<OrderMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderMaintenance>());

        services.AddScoped<PaymentEventsConsumer>();
        services.AddScoped<IIntegrationEventHandler<PaymentAuthorized>>(sp => sp.GetRequiredService<PaymentEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<PaymentFailed>>(sp => sp.GetRequiredService<PaymentEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<EventCancelled>, EventCancelledConsumer>();
        services.AddScoped<OrderNotices>();
        services.AddScoped<IIntegrationEventHandler<OrderPaid>>(sp => sp.GetRequiredService<OrderNotices>());
        services.AddScoped<IIntegrationEventHandler<AdmissionsRefunded>>(sp => sp.GetRequiredService<OrderNotices>());
        services.AddScoped<IReconciliationCheck, PaidOrdersCheck>();
        return services;
    }

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder endpoints)
    {
        var buyer = endpoints.MapGroup("/api").WithTags("Orders").RequireAuthorization(Policies.SignedIn)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        OrderEndpoints.Map(buyer);
        RefundEndpoints.Map(buyer);

        var organizer = endpoints.MapGroup("/api/organizer").WithTags("Organizer sales").RequireAuthorization(Policies.Organizer)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        SalesSettingsEndpoints.Map(organizer);
        SalesReport.Map(organizer);
        return endpoints;
    }
}
