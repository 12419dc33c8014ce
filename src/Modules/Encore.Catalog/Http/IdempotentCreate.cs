using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Http;

/// <summary>
/// Makes a create endpoint safe to retry: with an Idempotency-Key header, the first successful
/// response is stored in the same transaction as what it created, and a retry with the same key
/// and body gets that response again instead of a second copy. The same key with another body is
/// a client bug and answers 422.
/// </summary>
internal sealed class IdempotentCreate(CatalogDbContext db, TimeProvider clock) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const int KeyMax = 100;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0) return await next(context);
        if (key.Length > KeyMax || key.Any(char.IsControl))
            return TypedResults.Problem(title: "Invalid Idempotency-Key", detail: $"The key is at most {KeyMax} printable characters.", statusCode: StatusCodes.Status400BadRequest);
        if (CurrentUser.Id(http.User) is not { } userId) return await next(context);

        var endpoint = $"{http.Request.Method} {http.Request.Path}";
        var hash = RequestHash(context);

        if (await FindAsync(userId, key) is { } earlier) return Replay(earlier, endpoint, hash, http);

        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        var result = await next(context);
        // Handlers answer Results<Created<T>, ...>; what was actually answered is nested inside.
        var answered = result is INestedHttpResult nested ? nested.Result : result;
        if (answered is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success || answered is not IValueHttpResult value)
            return result;

        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            UserId = userId,
            Key = key,
            Endpoint = endpoint,
            RequestHash = hash,
            StatusCode = success.StatusCode ?? StatusCodes.Status200OK,
            ResponseBody = JsonSerializer.Serialize(value.Value, JsonSerializerOptions.Web),
            // Created<T> keeps its location in a property no interface exposes.
            Location = answered.GetType().GetProperty("Location")?.GetValue(answered) as string,
            CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
            return result;
        }
        catch (DbUpdateException)
        {
            // A concurrent retry with the same key committed first: undo ours and answer with theirs.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return await FindAsync(userId, key) is { } winner
                ? Replay(winner, endpoint, hash, http)
                : TypedResults.Problem(title: "Request conflicted", detail: "Retry the request with the same Idempotency-Key.", statusCode: StatusCodes.Status409Conflict);
        }
    }

    Task<IdempotencyRecord?> FindAsync(Guid userId, string key) =>
        db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.UserId == userId && r.Key == key);

    static IResult Replay(IdempotencyRecord earlier, string endpoint, string hash, HttpContext http)
    {
        if (earlier.Endpoint != endpoint || earlier.RequestHash != hash)
            return TypedResults.Problem(
                title: "Idempotency-Key reused with a different request",
                detail: $"The key '{earlier.Key}' was first used for another request; use a new key for a new request.",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        if (earlier.Location is not null) http.Response.Headers.Location = earlier.Location;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return Results.Text(earlier.ResponseBody, "application/json", Encoding.UTF8, earlier.StatusCode);
    }

    /// <summary>The bound body and route values, so "the same request" means the same JSON content, not the same bytes.</summary>
    static string RequestHash(EndpointFilterInvocationContext context)
    {
        var bodyType = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var body = bodyType is null ? null : context.Arguments.FirstOrDefault(a => a is not null && a.GetType() == bodyType);
        var text = JsonSerializer.Serialize(body, bodyType ?? typeof(object), JsonSerializerOptions.Web);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

internal static class IdempotencyEndpoints
{
    /// <summary>Marks a create endpoint as retry-safe with an Idempotency-Key header.</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotentCreate>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
