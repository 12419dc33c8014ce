namespace Encore.Catalog;

/// <summary>The demo organizer, venues and events; idempotent.</summary>
internal sealed class CatalogDemoData
{
    public Task EnsureAsync(Guid organizerUserId) => Task.CompletedTask;
}
