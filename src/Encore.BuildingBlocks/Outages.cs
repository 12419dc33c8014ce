namespace Encore.BuildingBlocks;

/// <summary>
/// A store the work needed was down or did not answer in time: PostgreSQL restarting or failing
/// over, Redis unreachable or stalled, SQLite busy, a wait that timed out. Nothing is wrong with the
/// request and trying it again may work, so a request is answered 503 with Retry-After rather than a
/// 500 that says we failed at it (idempotency keys make asking again safe where the outcome is
/// unknown), and background work (the outbox) waits for the store instead of giving up.
/// </summary>
public static class Outages
{
    public const int RetryAfterSeconds = 5;

    public static bool Caused(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // Several failures at once (the outbox runs every consumer of a message): an outage only
            // when each of them is one, not because the first is.
            if (e is AggregateException all) return all.InnerExceptions.All(Caused);
            var outage = e switch
            {
                // Connection failures, timeouts, a server shutting down or still starting, deadlocks:
                // Npgsql's own list of what may succeed when tried again.
                Npgsql.NpgsqlException npgsql => npgsql.IsTransient,
                StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException => true,
                // A Redis that is restarting (still loading its data), failing over, or full of clients.
                StackExchange.Redis.RedisServerException server => server.Kind is StackExchange.Redis.RedisErrorKind.Loading
                    or StackExchange.Redis.RedisErrorKind.MasterDown or StackExchange.Redis.RedisErrorKind.TryAgain
                    or StackExchange.Redis.RedisErrorKind.ClusterDown or StackExchange.Redis.RedisErrorKind.MaxClients,
                Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } => true,
                // Something we waited on did not answer in time (another instance's payment call we follow, say).
                TimeoutException => true,
                _ => false,
            };
            if (outage) return true;
        }
        return false;
    }

    const int SqliteBusy = 5, SqliteLocked = 6;
}
