using Encore.BuildingBlocks.Persistence;
using Encore.Catalog;
using Encore.Catalog.Http;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Catalog;

public sealed class IdempotencyPruningTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Records_older_than_two_days_are_forgotten_and_younger_ones_kept(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var userId = Guid.CreateVersion7();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            db.IdempotencyRecords.AddRange(
                Record(userId, "old", now - IdempotencyPruning.KeepFor - TimeSpan.FromMinutes(1)),
                Record(userId, "a-day-old", now - TimeSpan.FromHours(25)));
            await db.SaveChangesAsync();
        }

        var pruned = await app.Services.GetRequiredService<IdempotencyPruning>().PruneAsync(CancellationToken.None);

        Assert.Equal(1, pruned);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var keys = await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().IdempotencyRecords
                .Where(r => r.UserId == userId).Select(r => r.Key).ToListAsync();
            Assert.Equal(["a-day-old"], keys);
        }
    }

    static IdempotencyRecord Record(Guid userId, string key, DateTimeOffset at) => new()
    {
        UserId = userId, Key = key, Endpoint = "POST /api/organizer/events", RequestHash = "h",
        StatusCode = 201, ResponseBody = "{}", CreatedAt = at,
    };
}
