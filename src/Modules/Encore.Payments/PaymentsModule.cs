using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Identity;
using Encore.Contracts.MoneyFlow;
using Encore.Contracts.Payments;
using Encore.Payments.Admin;
using Encore.Payments.Authorization;
using Encore.Payments.Fraud;
using Encore.Payments.Gateway;
using Encore.Payments.Gateway.Simulated;
using Encore.Payments.Gateway.Stripe;
using Encore.Payments.Reconciliation;
using Encore.Payments.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

        services.AddSingleton<WebhookSecrets>();
        services.AddHostedService<WebhookSecretsWarmup>();
        // The simulated gateway's pages stay resolvable with Stripe configured; they simply know no intents then.
        services.AddSingleton<SimulatedGateway>();
        if (options.UsesStripe)
        {
            services.AddHttpClient<StripeGateway>(http => http.Timeout = TimeSpan.FromSeconds(options.Stripe.TimeoutSeconds));
            services.AddScoped<IPaymentGateway>(sp => sp.GetRequiredService<StripeGateway>());
        }
        else
        {
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SimulatedGateway>());
            services.AddHttpClient(nameof(SimulatedWebhookSender));
            services.AddSingleton<SimulatedWebhookSender>();
            services.AddHostedService<SimulatedWebhookRelay>();
        }

        services.AddScoped<FraudScreen>();
        services.AddScoped<PaymentService>();
        services.AddScoped<IPaymentService>(sp => sp.GetRequiredService<PaymentService>());
        services.AddScoped<WebhookReceiver>();
        services.AddScoped<IReconciliationCheck, GatewayCheck>();
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder endpoints)
    {
        ReturnFromGateway.Map(endpoints);
        ReceiveWebhook.Map(endpoints);
        if (!endpoints.ServiceProvider.GetRequiredService<PaymentsOptions>().UsesStripe) TokenizeCard.Map(endpoints);
        var admin = endpoints.MapGroup("/api/admin/payments").WithTags("Payments").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        FraudReview.Map(admin);
        return endpoints;
    }
}
