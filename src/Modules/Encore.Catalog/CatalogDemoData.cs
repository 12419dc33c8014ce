namespace Encore.Catalog;

/// <summary>The demo organizer, venues and events; idempotent.</summary>
public sealed class CatalogDemoData
{
    public Task EnsureAsync(Guid organizerUserId) => Task.CompletedTask;
}
