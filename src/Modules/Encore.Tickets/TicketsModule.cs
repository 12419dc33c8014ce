using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Contracts.Identity;
using Encore.Contracts.Orders;
using Encore.Contracts.Tickets;
using Encore.BuildingBlocks.Persistence;
using Encore.Tickets.Codes;
using Encore.Tickets.Issuance;
using Encore.Tickets.Mail;
using Encore.Tickets.Organizer;
using Encore.Tickets.Scanning;
using Encore.Tickets.Wallet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tickets;

public static class TicketsModule
{
    public static IServiceCollection AddTickets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<TicketsDbContext, SqliteTicketsDbContext, PostgresTicketsDbContext>(configuration, TicketsDbContext.Schema);
        services.AddSingleton(TicketsOptions.From(configuration));
        services.AddSingleton<TicketKeyRing>();
        services.AddSingleton<Schedules>();
        services.AddSingleton<Gatekeeper>();
        services.AddSingleton<ScannerDeviceDirectory>();
        services.AddScoped<TicketCodes>();
        services.AddScoped<TicketWallet>();
        services.AddScoped<OrderEventsConsumer>();
        services.AddScoped<IIntegrationEventHandler<OrderPaid>>(sp => sp.GetRequiredService<OrderEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<AdmissionsRefunded>>(sp => sp.GetRequiredService<OrderEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<EventChanged>>(sp => sp.GetRequiredService<OrderEventsConsumer>());
        services.AddScoped<IIntegrationEventHandler<TicketsIssued>, ConfirmationMail>();
        return services;
    }

    public static IEndpointRouteBuilder MapTickets(this IEndpointRouteBuilder endpoints)
    {
        PublicKeys.Map(endpoints);

        var holder = endpoints.MapGroup("/api").WithTags("Tickets").RequireAuthorization(Policies.SignedIn)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        MyTickets.Map(holder);

        var organizer = endpoints.MapGroup("/api/organizer").WithTags("Organizer").RequireAuthorization(Policies.Organizer)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        EventTicketingEndpoints.Map(organizer);
        ScannerDevices.Map(organizer);

        var scanner = endpoints.MapGroup("/api/scanner").WithTags("Scanning").RequireAuthorization(Policies.Scanner)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        ScanTicket.Map(scanner);
        OfflineScanning.Map(scanner);
        return endpoints;
    }
}
