using System.Globalization;
using System.Threading.RateLimiting;

namespace Encore.Web.Hosting;

/// <summary>The <c>Encore:LoadShedding</c> section. Off unless MaxConcurrentRequests is set.</summary>
internal sealed record LoadSheddingOptions
{
    /// <summary>Requests an instance works on at once; 0 turns shedding off.</summary>
    public int MaxConcurrentRequests { get; init; }
    /// <summary>Requests that may wait for a slot (oldest first); the next one is refused at once.</summary>
    public int QueueLimit { get; init; } = 100;
    /// <summary>
    /// How long a request may wait for a slot before it is refused. A full queue is not the only sign
    /// of overload: a queue that drains slower than it fills makes every queued buyer wait, so a
    /// request that has waited this long is told to come back instead of waiting longer.
    /// </summary>
    public int MaxQueueWaitMilliseconds { get; init; } = 40;
    /// <summary>What Retry-After tells a refused client.</summary>
    public int RetryAfterSeconds { get; init; } = 2;

    public static LoadSheddingOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Encore:LoadShedding").Get<LoadSheddingOptions>() ?? new LoadSheddingOptions();
        if (options.MaxConcurrentRequests < 0 || options.QueueLimit < 0 || options.RetryAfterSeconds is < 1 or > 300
            || options.MaxQueueWaitMilliseconds is < 1 or > 60_000)
            throw new InvalidOperationException(
                "Encore:LoadShedding: MaxConcurrentRequests and QueueLimit are not negative; RetryAfterSeconds is 1 to 300; MaxQueueWaitMilliseconds is 1 to 60000.");
        return options;
    }
}

/// <summary>
/// Past its capacity an instance refuses work in microseconds (503 + Retry-After) instead of
/// queueing it until every request times out: the buyers who are served stay fast, the others
/// are told when to come back. A request waits for a slot at most MaxQueueWaitMilliseconds.
/// Releasing a hold is never shed: it gives seats back. Health, readiness and metrics are never shed, so an overloaded
/// instance is not mistaken for a dead one.
/// </summary>
internal static class LoadShedding
{
    public static IApplicationBuilder UseLoadShedding(this IApplicationBuilder app, LoadSheddingOptions options)
    {
        if (options.MaxConcurrentRequests == 0) return app;
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var retryAfter = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var maxWait = TimeSpan.FromMilliseconds(options.MaxQueueWaitMilliseconds);
        var time = app.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return app.Use(async (http, next) =>
        {
            if (NeverShed(http.Request.Method, http.Request.Path))
            {
                await next(http);
                return;
            }
            // A free slot is taken without a timer; only a request that has to wait gets one.
            var lease = limiter.AttemptAcquire(1);
            if (!lease.IsAcquired)
            {
                lease.Dispose();
                lease = await WaitForSlotAsync(limiter, maxWait, time, http.RequestAborted);
            }
            using var _ = lease;
            if (!lease.IsAcquired)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = retryAfter;
                http.Response.ContentType = "application/problem+json";
                await http.Response.WriteAsync(
                    "{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.6.4\",\"title\":\"Busy\",\"status\":503," +
                    "\"detail\":\"Too many requests right now; nothing was done. Try again after the Retry-After delay.\"}", http.RequestAborted);
                return;
            }
            await next(http);
        });
    }

    /// <summary>A slot within <paramref name="maxWait"/>, or a lease that is not acquired (queue full or waited too long).</summary>
    static async Task<RateLimitLease> WaitForSlotAsync(ConcurrencyLimiter limiter, TimeSpan maxWait, TimeProvider time, CancellationToken aborted)
    {
        using var waited = new CancellationTokenSource(maxWait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(waited.Token, aborted);
        try
        {
            return await limiter.AcquireAsync(1, either.Token);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return RefusedLease.Instance;
        }
    }

    sealed class RefusedLease : RateLimitLease
    {
        public static readonly RefusedLease Instance = new();
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>
    /// Requests that pass even when every slot is taken: health, readiness and metrics (an overloaded
    /// instance is not a dead one), the waiting room's live line, and releasing a hold.
    /// </summary>
    static bool NeverShed(string method, PathString path) => IsProbe(path) || IsLiveLine(path) || GivesBack(method, path);

    /// <summary>Health, readiness and the metrics scrape: asked by balancers and collectors, not by people.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");

    /// <summary>
    /// Releasing a hold (the API's DELETE, or the hold page's release and extend forms) is one store
    /// operation that gives seats back. Shed, the seats would stay held until the hold's TTL while
    /// other buyers are refused them: under overload that is the worst request to turn away. The
    /// rate limits still apply to it.
    /// </summary>
    static bool GivesBack(string method, PathString path)
    {
        if (HttpMethods.IsDelete(method) && path.StartsWithSegments("/api/holds", out var apiRest))
            return IsOneGuidSegment(apiRest);
        return HttpMethods.IsPost(method) && path.StartsWithSegments("/holds", out var pageRest) && IsOneGuidSegment(pageRest);
    }

    static bool IsOneGuidSegment(PathString rest) =>
        rest.Value is { Length: > 1 } tail && tail[0] == '/' && Guid.TryParse(tail.AsSpan(1), out _);

    /// <summary>
    /// The waiting room's live line (WebSocket or SSE) stays open for the whole wait doing next to
    /// nothing; counted as a request, a few hundred waiting pages would hold every slot and shed the
    /// buyers who are shopping. Its cost is bounded by the queue-status rate limit instead.
    /// </summary>
    static bool IsLiveLine(PathString path) =>
        path.StartsWithSegments("/api/waiting-room", out var rest) && rest.Value is { } tail
        && (tail.EndsWith("/live", StringComparison.Ordinal) || tail.EndsWith("/events", StringComparison.Ordinal));
}
