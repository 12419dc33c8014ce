using System.Data;
using System.Data.Common;
using Encore.Tickets.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Encore.Tickets.Scanning;

/// <summary>
/// The check-in on PostgreSQL in one round trip: a data-modifying CTE runs the conditional UPDATE,
/// and the outer SELECT reads the same row from the statement's snapshot, so a duplicate learns
/// when and where it was first admitted without a second query. The UPDATE alone decides admission
/// (under read committed the second of two concurrent UPDATEs re-checks its WHERE on the committed
/// row); the SELECT only explains. A gate that lost the race to a check-in committed after the
/// snapshot sees an admissible-looking row and is not admitted: its caller then reads again.
/// </summary>
internal static class PostgresCheckIn
{
    static string? sql;

    public static async Task<(bool Admitted, TicketState? State)> AdmitAsync(TicketsDbContext db, Guid ticketId, int generation, DateTimeOffset at, string gate, bool offline, CancellationToken ct)
    {
        // What the row will hold: PostgreSQL keeps microseconds.
        var stored = new DateTimeOffset(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql ??= Build(db.Model);
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            Add(command, "id", ticketId);
            Add(command, "generation", generation);
            Add(command, "at", stored);
            Add(command, "gate", gate);
            Add(command, "offline", offline);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
            if (!await reader.ReadAsync(ct)) return (false, null);
            var admitted = reader.GetBoolean(10);
            var state = new TicketState(
                (TicketStatus)reader.GetInt32(0),
                reader.GetInt32(1),
                admitted ? stored : reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                admitted ? gate : reader.IsDBNull(3) ? null : reader.GetString(3),
                admitted ? offline : reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetString(9));
            return (admitted, state);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Table and column names from the EF model, so the statement follows the mapping.</summary>
    static string Build(IModel model)
    {
        var entity = model.FindEntityType(typeof(Ticket))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string C(string property) => $"\"{entity.FindProperty(property)!.GetColumnName(table)}\"";
        var name = table.Schema is { } schema ? $"\"{schema}\".\"{table.Name}\"" : $"\"{table.Name}\"";
        return $"""
            WITH admitted AS (
                UPDATE {name} SET {C(nameof(Ticket.CheckedInAt))} = @at, {C(nameof(Ticket.CheckedInGate))} = @gate, {C(nameof(Ticket.CheckedInOffline))} = @offline
                WHERE {C(nameof(Ticket.Id))} = @id AND {C(nameof(Ticket.CheckedInAt))} IS NULL AND {C(nameof(Ticket.Generation))} = @generation AND {C(nameof(Ticket.Status))} = {(int)TicketStatus.Valid}
                RETURNING 1)
            SELECT t.{C(nameof(Ticket.Status))}, t.{C(nameof(Ticket.Generation))}, t.{C(nameof(Ticket.CheckedInAt))}, t.{C(nameof(Ticket.CheckedInGate))},
                   t.{C(nameof(Ticket.CheckedInOffline))}, t.{C(nameof(Ticket.SeatId))}, t.{C(nameof(Ticket.SectionCode))}, t.{C(nameof(Ticket.RowLabel))},
                   t.{C(nameof(Ticket.SeatLabel))}, t.{C(nameof(Ticket.TierName))}, EXISTS (SELECT 1 FROM admitted)
            FROM {name} t WHERE t.{C(nameof(Ticket.Id))} = @id
            """;
    }
}
