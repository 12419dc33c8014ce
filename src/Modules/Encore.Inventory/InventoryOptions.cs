using Microsoft.Extensions.Configuration;

namespace Encore.Inventory;

/// <summary>The <c>Encore:Inventory</c> configuration section.</summary>
internal sealed record InventoryOptions
{
    public const int MinHoldMinutes = 2;
    public const int MaxHoldMinutes = 30;

    /// <summary>How long a hold lasts unless the event sets its own.</summary>
    public int HoldMinutes { get; init; } = 10;
    /// <summary>How long an instance uses a performance's layout before it reads it again in the background (the old one is served meanwhile).</summary>
    public int LayoutCacheSeconds { get; init; } = 5;
    /// <summary>How often each instance publishes availability changes and looks for expired holds.</summary>
    public int LiveIntervalMilliseconds { get; init; } = 500;
    /// <summary>
    /// InProcess or Redis; by default Redis when ConnectionStrings:Redis is set. AdvisoryLock (PostgreSQL
    /// only) keeps holds in the database behind a per-performance advisory lock, for the benchmark's comparison.
    /// </summary>
    public string? HoldStore { get; init; }

    public static InventoryOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Encore:Inventory").Get<InventoryOptions>() ?? new InventoryOptions();
        if (options.HoldMinutes is < MinHoldMinutes or > MaxHoldMinutes)
            throw new InvalidOperationException($"Encore:Inventory:HoldMinutes is between {MinHoldMinutes} and {MaxHoldMinutes}.");
        if (options.LayoutCacheSeconds is < 0 or > 300)
            throw new InvalidOperationException("Encore:Inventory:LayoutCacheSeconds is between 0 and 300.");
        if (options.LiveIntervalMilliseconds is < 50 or > 1500)
            throw new InvalidOperationException("Encore:Inventory:LiveIntervalMilliseconds is between 50 and 1500 (pages must update within 2 s).");
        if (options.HoldStore is not (null or "InProcess" or "Redis" or "AdvisoryLock"))
            throw new InvalidOperationException("Encore:Inventory:HoldStore is InProcess, Redis or AdvisoryLock.");
        return options;
    }
}
