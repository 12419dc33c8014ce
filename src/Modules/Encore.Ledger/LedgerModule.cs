using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Contracts.Identity;
using Encore.Contracts.MoneyFlow;
using Encore.Ledger.Balances;
using Encore.Ledger.Posting;
using Encore.Ledger.Reconciliation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Ledger;

public static class LedgerModule
{
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<LedgerDbContext, SqliteLedgerDbContext, PostgresLedgerDbContext>(configuration, LedgerDbContext.Schema);
        services.AddScoped<MoneyEventsConsumer>();
        services.AddScoped<IIntegrationEventHandler<PaymentCaptured>>(sp => sp.GetRequiredService<MoneyEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<RefundIssued>>(sp => sp.GetRequiredService<MoneyEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<ChargebackOpened>>(sp => sp.GetRequiredService<MoneyEventsConsumer>());
        services.AddScoped<ILedgerReader, LedgerReader>();
        services.AddScoped<IReconciliationCheck, BalancedCheck>();
        services.AddScoped<IReconciliationCheck, MoneyEventsOnceCheck>();
        return services;
    }

    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin/ledger").WithTags("Ledger").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        GetBalances.Map(admin);
        return endpoints;
    }
}
