namespace Encore.Contracts;

/// <summary>
/// An event one module tells the others through the transactional outbox. Implementations are
/// immutable, past-tense records; a breaking change is a new type, never an edit.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>
    /// Events of one module with the same key reach their consumers in the order they were written,
    /// each only once the one before it has been handled (a refund never overtakes the payment it
    /// refunds, on any number of instances, through any retry). Null: no order to keep. Implemented
    /// explicitly, so it is not part of the message's JSON.
    /// </summary>
    string? OrderingKey => null;
}

/// <summary>An event about one order: it keeps its place among the order's other events.</summary>
public interface IOrderEvent : IIntegrationEvent
{
    /// <summary>The order the event is about.</summary>
    Guid OrderId { get; }

    string? IIntegrationEvent.OrderingKey => OrderingKeys.Order(OrderId);
}

/// <summary>An event about one catalog event: it keeps its place among that event's other events.</summary>
public interface ICatalogEvent : IIntegrationEvent
{
    /// <summary>The catalog event.</summary>
    Guid EventId { get; }

    string? IIntegrationEvent.OrderingKey => OrderingKeys.Event(EventId);
}

/// <summary>The ordering keys events share.</summary>
public static class OrderingKeys
{
    /// <summary>Everything that happens to one order: paid, captured, refunded, disputed, its tickets issued.</summary>
    public static string Order(Guid orderId) => $"order:{orderId:N}";

    /// <summary>A catalog event's life: published, changed, cancelled.</summary>
    public static string Event(Guid eventId) => $"event:{eventId:N}";
}

/// <summary>Delivery details a consumer needs to stay idempotent.</summary>
/// <param name="MessageId">The outbox message id: the same for every redelivery of one event.</param>
/// <param name="OccurredAt">When the producing transaction wrote the event.</param>
public sealed record IntegrationEventContext(Guid MessageId, DateTimeOffset OccurredAt);

/// <summary>
/// Consumes one event type. Delivery is at least once, so a handler records the message id in
/// its module's inbox in the same transaction as its own changes.
/// </summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    /// <summary>Handles one delivery; throwing schedules a retry.</summary>
    Task HandleAsync(TEvent integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken);
}
