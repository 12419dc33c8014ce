using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Contracts.Orders;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Tickets;
using Encore.Tickets.Issuance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Tickets;

/// <summary>A published event on the small hall, with what Orders would put in OrderPaid.</summary>
internal sealed record TicketSale(OnSale Sale, PerformanceSchedule Schedule)
{
    public Guid EventId => Sale.EventId;
    public Guid PerformanceId => Sale.PerformanceId;
}

/// <summary>Stands in for Orders until it lands: OrderPaid and AdmissionsRefunded through an outbox, delivered by the relay.</summary>
internal static class TicketsHarness
{
    public static readonly Guid StallsTier = Guid.Parse("0193a0b0-0000-7000-8000-0000000000a1");
    public static readonly Guid StandingTier = Guid.Parse("0193a0b0-0000-7000-8000-0000000000a2");

    public static async Task<TicketSale> SaleAsync(this EncoreAppFactory app, HttpClient organizer)
    {
        var sale = await organizer.PublishOnSaleAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var schedule = await scope.ServiceProvider.GetRequiredService<ICatalogSchedule>().GetPerformanceScheduleAsync(sale.PerformanceId, CancellationToken.None);
        return new TicketSale(sale, schedule!);
    }

    /// <summary>An order of the given seats (labels like "A3") and standing places.</summary>
    public static OrderPaid Paid(TicketSale s, (string Email, Guid Id) buyer, string[] seats, int standing = 0) => new(
        Guid.NewGuid(), buyer.Id, buyer.Email, "Alex Fan", s.Schedule.OrganizerId, s.EventId, s.PerformanceId, "GBP",
        [
            .. seats.Select(label => new PaidAdmission(Guid.NewGuid(), s.Sale.Seats[label], "STALLS", label[..1], label[1..], StallsTier, "Stalls", 4500)),
            .. Enumerable.Range(0, standing).Select(_ => new PaidAdmission(Guid.NewGuid(), null, "FLOOR", null, null, StandingTier, "Standing", 2000)),
        ],
        DateTimeOffset.UtcNow);

    /// <summary>Writes the event to the tickets module's outbox (standing in for the producer's) and delivers everything pending.</summary>
    public static async Task<Guid> PublishAsync(this EncoreAppFactory app, IIntegrationEvent e)
    {
        Guid id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            db.AddToOutbox(e, app.Service<TimeProvider>());
            id = db.ChangeTracker.Entries<OutboxMessage>().Single().Entity.Id;
            await db.SaveChangesAsync();
        }
        await app.DeliverAsync();
        return id;
    }

    /// <summary>
    /// Runs the relay's pass until no module has a pending message. Tests on a fake clock need this:
    /// the background relay sleeps on that clock between passes.
    /// </summary>
    public static async Task DeliverAsync(this EncoreAppFactory app)
    {
        var processor = app.Service<OutboxProcessor>();
        for (var pass = 0; pass < 200; pass++)
        {
            await processor.ProcessOnceAsync(CancellationToken.None);
            var pending = false;
            var errors = new List<string>();
            foreach (var module in app.Services.GetServices<ModuleDatabase>().DistinctBy(m => m.ContextType))
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = (DbContext)scope.ServiceProvider.GetRequiredService(module.ContextType);
                if (db.Model.FindEntityType(typeof(OutboxMessage)) is null) continue;
                pending |= await db.Set<OutboxMessage>().AnyAsync(m => m.Status == OutboxStatus.Pending);
                errors.AddRange(await db.Set<OutboxMessage>().Where(m => m.Status != OutboxStatus.Processed && m.LastError != null).Select(m => m.Type + ": " + m.LastError).ToListAsync());
            }
            if (!pending) return;
            // A failing handler would only be retried after its backoff: say why now.
            if (errors.Count > 0) throw new InvalidOperationException("Outbox delivery failed: " + string.Join("\n", errors));
            await Task.Delay(50);
        }
        throw new TimeoutException("The outbox still had pending messages.");
    }

    /// <summary>Hands a message straight to the consumer again, as the relay would after a crash between handling and marking it processed.</summary>
    public static async Task RedeliverAsync(this EncoreAppFactory app, OrderPaid e, Guid messageId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var consumer = scope.ServiceProvider.GetRequiredService<OrderEventsConsumer>();
        await consumer.HandleAsync(e, new IntegrationEventContext(messageId, e.PaidAt), CancellationToken.None);
    }

    public static async Task<T> WithTicketsAsync<T>(this EncoreAppFactory app, Func<TicketsDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TicketsDbContext>());
    }

    public static async Task<List<JsonObject>> TicketsAsync(this HttpClient holder)
    {
        var response = await holder.GetAsync("/api/tickets");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!.Select(n => n!.AsObject()).ToList();
    }

    public static async Task<string> CodeAsync(this HttpClient holder, Guid ticketId)
    {
        var response = await holder.GetAsync($"/api/tickets/{ticketId}/code");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync())["code"]!.GetValue<string>();
    }

    /// <summary>The holder's seated tickets' ids by place ("STALLS, row A, seat 1").</summary>
    public static async Task<Dictionary<string, Guid>> TicketIdsByPlaceAsync(this HttpClient holder) =>
        (await holder.TicketsAsync()).Where(t => t["place"]!.GetValue<string>().StartsWith("STALLS", StringComparison.Ordinal))
            .ToDictionary(t => t["place"]!.GetValue<string>(), t => t["id"]!.GetValue<Guid>());

    public static string Seat(string label) => $"STALLS, row {label[..1]}, seat {label[1..]}";

    public static async Task<JsonObject> ScanAsync(this HttpClient scanner, Guid eventId, string code, string gate)
    {
        var response = await scanner.PostAsJsonAsync($"/api/scanner/events/{eventId}/scans", new { code, gate });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    public static string Outcome(this JsonObject verdict) => verdict["outcome"]!.GetValue<string>();
}
