using Encore.Contracts.FlashSale;

namespace Encore.Web.Gateway;

/// <summary>
/// <c>Encore:RateLimits</c>: a token bucket per account, per client address and per device for each
/// policy in <see cref="RateLimitPolicies"/>. A request passes only when every bucket that applies
/// to it has a token; it then takes one from each.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "Encore:RateLimits";

    /// <summary><c>InProcess</c> or <c>Redis</c>; by default Redis when <c>ConnectionStrings:Redis</c> is set.</summary>
    public string? Store { get; set; }

    /// <summary>Redis keys start with this; instances that must share budgets share the prefix.</summary>
    public string KeyPrefix { get; set; } = "encore:rl:";

    public Dictionary<string, PolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal)
    {
        // A buyer places a handful of holds in a sale; thirty a minute is generous for a person and
        // nothing for a script that wants every seat.
        [RateLimitPolicies.Holds] = new()
        {
            Account = new() { Capacity = 10, RefillPerMinute = 30 },
            Device = new() { Capacity = 10, RefillPerMinute = 30 },
            // Many buyers can share one address (a venue's Wi-Fi, a carrier's NAT).
            Address = new() { Capacity = 200, RefillPerMinute = 1200 },
        },
        [RateLimitPolicies.QueueJoin] = new()
        {
            Account = new() { Capacity = 5, RefillPerMinute = 10 },
            Device = new() { Capacity = 5, RefillPerMinute = 10 },
            Address = new() { Capacity = 100, RefillPerMinute = 600 },
        },
        // Waiting pages check in every few seconds and reconnect after network drops.
        [RateLimitPolicies.QueueStatus] = new()
        {
            Account = new() { Capacity = 30, RefillPerMinute = 120 },
            Device = new() { Capacity = 30, RefillPerMinute = 120 },
            Address = new() { Capacity = 1000, RefillPerMinute = 12000 },
        },
    };

    internal sealed class PolicyOptions
    {
        public BucketOptions? Account { get; set; }
        public BucketOptions? Address { get; set; }
        public BucketOptions? Device { get; set; }
    }

    internal sealed class BucketOptions
    {
        /// <summary>The burst: how many requests a full bucket allows at once.</summary>
        public int Capacity { get; set; }

        /// <summary>Tokens added per minute, up to the capacity.</summary>
        public double RefillPerMinute { get; set; }

        /// <summary>Zero capacity or refill switches this bucket off.</summary>
        public BucketRule? ToRule() => Capacity > 0 && RefillPerMinute > 0 ? new BucketRule(Capacity, RefillPerMinute / 60_000d) : null;
    }

    public void Validate()
    {
        foreach (var name in new[] { RateLimitPolicies.Holds, RateLimitPolicies.QueueJoin, RateLimitPolicies.QueueStatus })
            if (!Policies.ContainsKey(name))
                throw new InvalidOperationException($"{Section}:Policies:{name} is missing.");
        foreach (var (name, policy) in Policies)
            foreach (var bucket in new[] { policy.Account, policy.Address, policy.Device })
                if (bucket is { Capacity: < 0 } or { RefillPerMinute: < 0 })
                    throw new InvalidOperationException($"{Section}:Policies:{name}: capacities and refill rates are not negative.");
    }
}

/// <param name="Capacity">Most tokens the bucket holds.</param>
/// <param name="RefillPerMillisecond">Tokens added per millisecond.</param>
internal sealed record BucketRule(int Capacity, double RefillPerMillisecond);
