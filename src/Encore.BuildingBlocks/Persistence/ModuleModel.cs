using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Encore.BuildingBlocks.Persistence;

/// <summary>
/// How a module's tables are laid out: its own schema on PostgreSQL, a table-name prefix on
/// SQLite (which has no schemas). Every module calls this last in OnModelCreating.
/// </summary>
public static class ModuleModel
{
    public static void UseModuleSchema(this ModelBuilder model, DatabaseFacade database, string schema)
    {
        if (database.IsNpgsql())
        {
            model.HasDefaultSchema(schema);
            return;
        }

        foreach (var entity in model.Model.GetEntityTypes())
        {
            if (entity.IsOwned() || entity.GetTableName() is not { } table) continue;
            if (!table.StartsWith(schema + "_", StringComparison.Ordinal))
                entity.SetTableName($"{schema}_{table}");
        }
    }

    /// <summary>
    /// SQLite stores DateTimeOffset as text that it cannot compare or order. All our instants are
    /// UTC, so on SQLite they are stored as UTC ticks (which order correctly); PostgreSQL keeps timestamptz.
    /// </summary>
    public static void UseSortableInstants(this ModelConfigurationBuilder configuration, DatabaseFacade database)
    {
        if (!database.IsSqlite()) return;
        configuration.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
