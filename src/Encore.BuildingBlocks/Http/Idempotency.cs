using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.BuildingBlocks.Http;

/// <summary>
/// One Idempotency-Key's request and the response it got. While <see cref="StatusCode"/> is 0 the
/// first request is still running (it holds the key until <see cref="LockedUntil"/>).
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid UserId { get; init; }
    public string Key { get; init; } = "";
    /// <summary>Method and path: a key reused on another endpoint is another request.</summary>
    public string Endpoint { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public int StatusCode { get; set; }
    public string? ContentType { get; set; }
    public byte[]? ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>
/// Stripe's idempotency semantics for create-or-charge endpoints, on a module's own table:
/// the first request with a key reserves it (a row under the primary key (user, key), committed
/// before the handler runs), the handler runs once, and whatever it answered — success or error —
/// is stored and replayed byte for byte to every retry with the same key and body. The same key
/// with another body (or on another endpoint) answers 422. A duplicate arriving while the first is
/// still running waits for it and replays its answer, so concurrent duplicates have one effect.
/// A handler that throws (a bug, a crash) leaves no answer: the reservation is removed, or runs
/// out after <see cref="Lease"/> when the process died, and a retry runs the handler again.
/// Requests refused before the handler (bad body, no key) are not recorded, as with Stripe.
/// </summary>
public sealed class IdempotentRequest<TContext>(TContext db, TimeProvider clock) : IEndpointFilter where TContext : DbContext
{
    public const string Header = "Idempotency-Key";
    public const int KeyMax = 100;
    /// <summary>How long a running request holds its key before a retry may take it over (the process died).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    /// <summary>How long a duplicate waits for the first request before answering 409.</summary>
    static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(30);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0) return await next(context);
        if (key.Length > KeyMax || key.Any(char.IsControl))
            return TypedResults.Problem(title: "Invalid Idempotency-Key", detail: $"The key is at most {KeyMax} printable characters.", statusCode: StatusCodes.Status400BadRequest);
        if (!Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return await next(context);

        var endpoint = $"{http.Request.Method} {http.Request.Path}";
        var hash = RequestHash(context);
        var records = db.Set<IdempotencyRecord>();
        // Measured on the real clock: a test's frozen TimeProvider must not make a duplicate wait forever.
        var waited = System.Diagnostics.Stopwatch.StartNew();

        // Most keys are new: the insert reserves the key in one round trip, and only a key seen before
        // (the primary key refuses it) is read.
        var insert = true;
        DbUpdateException? refused = null;
        var refusals = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            if (insert)
            {
                records.Add(new IdempotencyRecord { UserId = userId, Key = key, Endpoint = endpoint, RequestHash = hash, CreatedAt = now, LockedUntil = now + Lease });
                try
                {
                    await db.SaveChangesAsync(http.RequestAborted);
                    break;
                }
                catch (DbUpdateException e)
                {
                    db.ChangeTracker.Clear();
                    refused = e;
                    refusals++;
                }
            }
            var earlier = await records.AsNoTracking().SingleOrDefaultAsync(r => r.UserId == userId && r.Key == key, http.RequestAborted);
            if (earlier is null)
            {
                // The first request failed and gave its key back meanwhile: reserve it. An insert that keeps
                // failing with no record in the way is not a duplicate but a broken database.
                if (refusals >= 3) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refused!);
                insert = true;
                continue;
            }
            insert = false;
            if (earlier.Endpoint != endpoint || earlier.RequestHash != hash)
                return TypedResults.Problem(
                    title: "Idempotency-Key reused with a different request",
                    detail: $"The key '{key}' was first used for another request; use a new key for a new request.",
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            if (earlier is { StatusCode: > 0 }) return Replay(earlier, http);

            if (earlier.LockedUntil < now)
            {
                // The first request's process died mid-way: take the key over, one taker only.
                var taken = await records.Where(r => r.UserId == userId && r.Key == key && r.StatusCode == 0 && r.LockedUntil == earlier.LockedUntil)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.LockedUntil, now + Lease), http.RequestAborted);
                if (taken == 1) break;
                continue;
            }
            if (waited.Elapsed >= WaitForFirst)
                return TypedResults.Problem(title: "Request in progress",
                    detail: "A request with this Idempotency-Key is still being processed; retry shortly.", statusCode: StatusCodes.Status409Conflict);
            await Task.Delay(TimeSpan.FromMilliseconds(50), http.RequestAborted);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            try
            {
                await records.Where(r => r.UserId == userId && r.Key == key && r.StatusCode == 0).ExecuteDeleteAsync(CancellationToken.None);
            }
            catch (Exception e) when (Outages.Caused(e))
            {
                // The database that failed the handler refuses this too: the reservation runs out after
                // the lease, and the client hears the handler's failure, not this one.
            }
            throw;
        }

        // Run the result into a buffer so exactly the bytes sent are what a retry gets.
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            if (result is IResult executable) await executable.ExecuteAsync(http);
            else if (result is not null) await TypedResults.Ok(result).ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var body = buffer.ToArray();
        var status = http.Response.StatusCode;
        await records.Where(r => r.UserId == userId && r.Key == key)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.StatusCode, status)
                .SetProperty(r => r.ContentType, http.Response.ContentType)
                .SetProperty(r => r.ResponseBody, body)
                .SetProperty(r => r.Location, http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null)
                .SetProperty(r => r.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
        await original.WriteAsync(body, http.RequestAborted);
        return Results.Empty;
    }

    static IResult Replay(IdempotencyRecord earlier, HttpContext http)
    {
        if (earlier.Location is not null) http.Response.Headers.Location = earlier.Location;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return new StoredResponse(earlier.StatusCode, earlier.ContentType, earlier.ResponseBody ?? []);
    }

    sealed class StoredResponse(int status, string? contentType, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            if (contentType is not null) http.Response.ContentType = contentType;
            if (body.Length > 0) await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
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

public static class Idempotency
{
    /// <summary>Marks a create-or-charge endpoint as retry-safe with an Idempotency-Key header (Stripe's semantics).</summary>
    public static RouteHandlerBuilder Idempotent<TContext>(this RouteHandlerBuilder builder) where TContext : DbContext =>
        builder.AddEndpointFilter<IdempotentRequest<TContext>>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>The module's idempotency table; call from OnModelCreating.</summary>
    public static ModelBuilder AddIdempotencyRecords(this ModelBuilder model)
    {
        model.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_records");
            e.HasKey(r => new { r.UserId, r.Key });
            e.Property(r => r.Key).HasMaxLength(IdempotentRequest<DbContext>.KeyMax);
            e.Property(r => r.Endpoint).HasMaxLength(300);
            e.Property(r => r.RequestHash).HasMaxLength(64);
            e.Property(r => r.ContentType).HasMaxLength(100);
            e.Property(r => r.Location).HasMaxLength(500);
            e.HasIndex(r => r.CreatedAt);
        });
        return model;
    }

    /// <summary>Registers the filter for a module's context and the pruning of its old keys.</summary>
    public static IServiceCollection AddIdempotency<TContext>(this IServiceCollection services) where TContext : DbContext
    {
        services.AddScoped<IdempotentRequest<TContext>>();
        services.AddSingleton<IdempotencyPruning<TContext>>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencyPruning<TContext>>());
        return services;
    }
}

/// <summary>
/// Forgets recorded responses once no honest retry can still arrive. Keys must live at least 24
/// hours (clients retry across a day's outage); we keep them for two days. Every instance runs
/// this; deleting the same old rows twice is harmless.
/// </summary>
public sealed class IdempotencyPruning<TContext>(IServiceScopeFactory scopes, TimeProvider clock, ILogger<IdempotencyPruning<TContext>> logger)
    : BackgroundService where TContext : DbContext
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromHours(48);
    static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Pruning old idempotency records of {Context} failed; the next run tries again.", typeof(TContext).Name);
            }
        }
        while (await Pause.NextPassAsync(Every, clock, stoppingToken));
    }

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var cutoff = clock.GetUtcNow() - KeepFor;
        return await db.Set<IdempotencyRecord>().Where(r => r.CreatedAt < cutoff && r.StatusCode > 0).ExecuteDeleteAsync(ct);
    }
}
