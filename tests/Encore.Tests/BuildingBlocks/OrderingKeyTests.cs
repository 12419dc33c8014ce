using System.Runtime.CompilerServices;
using System.Text.Json;
using Encore.Contracts;

namespace Encore.Tests.BuildingBlocks;

/// <summary>
/// The relay keeps the order of events that share a key (OutboxTests); these hold that the events
/// which must not overtake each other do share one, including any added later.
/// </summary>
public sealed class OrderingKeyTests
{
    static readonly List<Type> Events = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .ToList();

    static IIntegrationEvent With(Type type, string property, Guid id)
    {
        var e = (IIntegrationEvent)RuntimeHelpers.GetUninitializedObject(type);
        type.GetProperty(property)!.SetValue(e, id);
        return e;
    }

    [Fact]
    public void Every_event_about_an_order_is_keyed_by_that_order()
    {
        var aboutOrders = Events.Where(t => t.GetProperty("OrderId")?.PropertyType == typeof(Guid)).ToList();
        // Paid, refunded, authorized, failed, captured, refund issued, chargeback, tickets issued.
        Assert.True(aboutOrders.Count >= 8, string.Join(", ", aboutOrders.Select(t => t.Name)));
        foreach (var type in aboutOrders)
        {
            var orderId = Guid.CreateVersion7();
            Assert.Equal(OrderingKeys.Order(orderId), With(type, "OrderId", orderId).OrderingKey);
        }
    }

    [Fact]
    public void Every_other_event_about_a_catalog_event_is_keyed_by_that_event()
    {
        var aboutEvents = Events.Where(t => t.GetProperty("OrderId") is null && t.GetProperty("EventId")?.PropertyType == typeof(Guid)).ToList();
        Assert.Equal(["EventCancelled", "EventChanged", "EventPublished"], aboutEvents.Select(t => t.Name).Order());
        foreach (var type in aboutEvents)
        {
            var eventId = Guid.CreateVersion7();
            Assert.Equal(OrderingKeys.Event(eventId), With(type, "EventId", eventId).OrderingKey);
        }
    }

    [Fact]
    public void The_key_is_not_part_of_the_message()
    {
        foreach (var type in Events)
        {
            var json = JsonSerializer.Serialize(RuntimeHelpers.GetUninitializedObject(type), type, JsonSerializerOptions.Web);
            Assert.DoesNotContain("orderingKey", json, StringComparison.OrdinalIgnoreCase);
        }
    }
}
