using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Encore.Contracts.FlashSale;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Encore.Web.Gateway;

/// <summary>
/// The framework's rate-limiting middleware with one policy per name in <see cref="RateLimitPolicies"/>.
/// Each policy partitions by (account, address, device); a partition's limiter takes a token from each
/// of those buckets in <see cref="ITokenBuckets"/>, so the budget is shared by every instance when the
/// buckets live in Redis.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddEncoreRateLimits(this IServiceCollection services, IConfiguration configuration, string? redisConnectionString)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        options.Validate();
        services.AddSingleton(options);
        var redis = options.Store is { } store
            ? string.Equals(store, "Redis", StringComparison.OrdinalIgnoreCase)
            : redisConnectionString is not null;
        if (redis)
            services.AddSingleton<ITokenBuckets>(sp => new RedisTokenBuckets(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>()));
        else
            services.AddSingleton<ITokenBuckets, InProcessTokenBuckets>();

        services.AddSingleton<RateLimitBuckets>();

        var policies = RateLimitBuckets.PoliciesOf(options);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnRejectedAsync;
            foreach (var (name, policy) in policies)
                o.AddPolicy(name, new BucketPolicy(policy));
        });
        return services;
    }

    /// <summary>429 problem+json with Retry-After in whole seconds (at least one).</summary>
    static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var refusal = Refusal(context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero);
        http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.StatusCode = refusal.Status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = refusal.Status,
                Title = refusal.Title,
                Detail = refusal.Detail,
                Extensions = { ["retryAfter"] = refusal.RetryAfterSeconds },
            },
        });
    }

    /// <summary>What a refused take answers, the API and the pages alike: 429, and the wait in whole seconds (at least one).</summary>
    internal static GateRefusal Refusal(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new(StatusCodes.Status429TooManyRequests, "Too many requests", $"Slow down: try again in {seconds} s.", "rateLimited", seconds);
    }

    /// <summary>Who a request counts against: the account, the address (IPv6 by /64) and the device, where known.</summary>
    internal readonly record struct Partition(string? Account, string? Address, string? Device);

    internal static Partition PartitionOf(HttpContext http, IDeviceContext devices) => new(
        http.User.FindFirstValue(ClaimTypes.NameIdentifier),
        AddressKey(http.Connection.RemoteIpAddress),
        devices.DeviceId(http)?.ToString("N"));

    /// <summary>One person on IPv6 usually has a whole /64; counting per address would give them 2^64 budgets.</summary>
    internal static string? AddressKey(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The framework's view of a policy: a partition per (account, address, device), each a handle on its buckets.</summary>
    sealed class BucketPolicy(PolicyBuckets policy) : IRateLimiterPolicy<Partition>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

        public RateLimitPartition<Partition> GetPartition(HttpContext http)
        {
            var services = http.RequestServices;
            var key = PartitionOf(http, services.GetRequiredService<IDeviceContext>());
            var store = services.GetRequiredService<ITokenBuckets>();
            return RateLimitPartition.Get(key, k => new BucketLimiter(store, policy.For(k)));
        }
    }

    /// <summary>
    /// The limiter of one partition: a thin handle on the shared buckets. The middleware first tries
    /// <see cref="RateLimiter.AttemptAcquire(int)"/> and, when that fails, awaits <see cref="RateLimiter.AcquireAsync"/>;
    /// a Redis store answers only the second (it needs a round trip), the in-process store both.
    /// </summary>
    sealed class BucketLimiter(ITokenBuckets store, Bucket[] buckets) : RateLimiter
    {
        long lastUsed = Environment.TickCount64;

        // Idle partitions are dropped by the framework after a while; the buckets themselves live on in the store.
        public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Interlocked.Exchange(ref lastUsed, Environment.TickCount64);
            if (buckets.Length == 0) return Lease.Granted;
            if (!store.IsSynchronous) return Lease.NotTried;
            var wait = store.TryTakeAsync(buckets, CancellationToken.None);
            return Lease.For(wait.Result);
        }

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct)
        {
            Interlocked.Exchange(ref lastUsed, Environment.TickCount64);
            if (buckets.Length == 0) return Lease.Granted;
            return Lease.For(await store.TryTakeAsync(buckets, ct));
        }
    }

    sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease NotTried = new(false, null);

        public static Lease For(TimeSpan wait) => wait <= TimeSpan.Zero ? Granted : new Lease(false, wait);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}

/// <summary>One policy's buckets: which of them apply to a partition, under which keys.</summary>
internal sealed class PolicyBuckets(string name, RateLimitOptions.PolicyOptions policy, string prefix)
{
    readonly BucketRule? account = policy.Account?.ToRule();
    readonly BucketRule? address = policy.Address?.ToRule();
    readonly BucketRule? device = policy.Device?.ToRule();
    // One hash tag per policy keeps a request's buckets in one Redis Cluster slot, so one script can take them all.
    readonly string keyPrefix = $"{prefix}{{{name}}}:";

    public Bucket[] For(RateLimits.Partition k)
    {
        var buckets = new List<Bucket>(3);
        if (account is not null && k.Account is not null) buckets.Add(new($"{keyPrefix}a:{k.Account}", account));
        if (address is not null && k.Address is not null) buckets.Add(new($"{keyPrefix}i:{k.Address}", address));
        if (device is not null && k.Device is not null) buckets.Add(new($"{keyPrefix}d:{k.Device}", device));
        return [.. buckets];
    }
}

/// <summary>
/// Takes a request's tokens from a policy's buckets without the rate-limiting middleware: a page's form
/// post reaches the page's endpoint, which carries no policy, so the page asks here (<see cref="PageGate"/>).
/// Same partition, same keys, same store as the middleware's limiters, so both paths spend one budget.
/// </summary>
internal sealed class RateLimitBuckets(RateLimitOptions options, ITokenBuckets store, IDeviceContext devices)
{
    readonly Dictionary<string, PolicyBuckets> policies = PoliciesOf(options);

    internal static Dictionary<string, PolicyBuckets> PoliciesOf(RateLimitOptions options) =>
        options.Policies.ToDictionary(p => p.Key, p => new PolicyBuckets(p.Key, p.Value, options.KeyPrefix), StringComparer.Ordinal);

    /// <summary>Zero when the request took its tokens (or the policy has no buckets); otherwise how long until it may.</summary>
    public async ValueTask<TimeSpan> TakeAsync(HttpContext http, string policy, CancellationToken ct)
    {
        if (!policies.TryGetValue(policy, out var buckets)) return TimeSpan.Zero;
        var take = buckets.For(RateLimits.PartitionOf(http, devices));
        return take.Length == 0 ? TimeSpan.Zero : await store.TryTakeAsync(take, ct);
    }
}
