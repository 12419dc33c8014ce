using Encore.BuildingBlocks.Outbox;
using Encore.Contracts;
using Encore.Contracts.Catalog;
using Encore.Inventory.Holds;
using Microsoft.EntityFrameworkCore;

namespace Encore.Inventory.Sync;

/// <summary>
/// Keeps the inventory in step with the catalog. At-least-once delivery: the inbox row and the
/// refreshed inventory commit in one SaveChanges, so a redelivery finds the inbox row and stops.
/// </summary>
internal sealed class CatalogEventsConsumer(InventoryDbContext db, InventorySync sync, LayoutCache layouts, TimeProvider clock)
    : IIntegrationEventHandler<EventPublished>, IIntegrationEventHandler<EventChanged>, IIntegrationEventHandler<EventCancelled>
{
    const string Consumer = "inventory.catalog-events";

    public Task HandleAsync(EventPublished integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken) =>
        SyncAsync(integrationEvent.EventId, context, cancellationToken);

    public Task HandleAsync(EventChanged integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken) =>
        SyncAsync(integrationEvent.EventId, context, cancellationToken);

    public Task HandleAsync(EventCancelled integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken) =>
        SyncAsync(integrationEvent.EventId, context, cancellationToken);

    async Task SyncAsync(Guid eventId, IntegrationEventContext context, CancellationToken ct)
    {
        try
        {
            await SyncOnceAsync(eventId, context, ct);
        }
        catch (DbUpdateException)
        {
            // A hold or a page materialized one of the event's performances between our read and our
            // save (InventorySync.EnsureAsync): nothing was saved, so do it again over what is there now.
            db.ChangeTracker.Clear();
            await SyncOnceAsync(eventId, context, ct);
        }
        layouts.InvalidateEvent(eventId);
    }

    async Task SyncOnceAsync(Guid eventId, IntegrationEventContext context, CancellationToken ct)
    {
        if (!await db.TryRecordInboxAsync(context, Consumer, clock, ct)) return;
        await sync.SyncEventAsync(eventId, ct);
        await db.SaveChangesAsync(ct);
    }
}
