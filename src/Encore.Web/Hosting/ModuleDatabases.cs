using Encore.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Hosting;

internal static class ModuleDatabases
{
    /// <summary>
    /// Brings every module's schema up to date before the app serves. EF Core takes a database
    /// lock while migrating, so several instances starting together migrate once.
    /// </summary>
    public static async Task MigrateModuleDatabasesAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var storage = scope.ServiceProvider.GetRequiredService<StorageOptions>();
        foreach (var module in scope.ServiceProvider.GetServices<ModuleDatabase>().DistinctBy(m => m.ContextType))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(module.ContextType);
            if (!storage.IsPostgres)
            {
                // WAL lets readers go on while a writer commits; it is a property of the file, set once.
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
                await db.Database.CloseConnectionAsync();
            }
            await db.Database.MigrateAsync();
        }
    }
}
