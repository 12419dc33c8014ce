using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Infrastructure;
using Encore.Tickets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Encore.Tests.Hosting;

/// <summary>
/// A unique-key race the code catches and answers is part of a busy on-sale, not an error: the
/// database's refusal is logged at Information, so operators who alert on errors are not paged
/// for it, and it is still there for whoever reads the detailed log.
/// </summary>
public sealed class ExpectedDatabaseFailureLogTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_caught_duplicate_key_is_logged_below_error(StorageProvider provider)
    {
        var recording = new RecordingLoggerProvider();
        var entries = recording.Entries;
        await using var factory = EncoreAppFactory.For(provider).With("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Information");
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureLogging(logging => logging.AddProvider(recording)));
        app.CreateClient().Dispose();

        var message = new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "log-test", ProcessedAt = DateTimeOffset.UtcNow };
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            db.Set<InboxMessage>().Add(message);
            await db.SaveChangesAsync();
        }
        entries.Clear();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TicketsDbContext>();
            db.Set<InboxMessage>().Add(new InboxMessage { MessageId = message.MessageId, Consumer = message.Consumer, ProcessedAt = DateTimeOffset.UtcNow });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        var database = entries.Where(e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(database, e => e.Level >= LogLevel.Error);
        Assert.Contains(database, e => e.EventId == RelationalEventId.CommandError.Id && e.Level == LogLevel.Information);
        Assert.Contains(database, e => e.EventId == CoreEventId.SaveChangesFailed.Id && e.Level == LogLevel.Information);
    }
}
