namespace Encore.Catalog.Http;

/// <summary>The first response to a create request carrying an Idempotency-Key, replayed to retries of it.</summary>
internal sealed class IdempotencyRecord
{
    public Guid UserId { get; init; }
    public string Key { get; init; } = "";
    /// <summary>Method and path: a key reused on another endpoint is another request.</summary>
    public string Endpoint { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public int StatusCode { get; init; }
    public string ResponseBody { get; init; } = "";
    public string? Location { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
