using Microsoft.Extensions.Configuration;

namespace Encore.WaitingRoom;

/// <summary>The <c>Encore:WaitingRoom</c> configuration section.</summary>
internal sealed record WaitingRoomOptions
{
    /// <summary>InProcess or Redis; by default Redis when ConnectionStrings:Redis is set.</summary>
    public string? QueueStore { get; init; }
    /// <summary>How often an instance tries to advance each running queue.</summary>
    public int TickMilliseconds { get; init; } = 1000;
    /// <summary>Whether this instance ticks on its own (tests turn it off and tick by hand with a fake clock).</summary>
    public bool BackgroundAdvance { get; init; } = true;
    /// <summary>How often a live connection checks its client in (a fraction of the shortest check-in window is sensible).</summary>
    public int LiveCheckInSeconds { get; init; } = 20;
    /// <summary>How long an instance reuses an event's queue settings before reading them again.</summary>
    public int SettingsCacheSeconds { get; init; } = 5;
    /// <summary>How long an admission-token signing key signs before its successor takes over.</summary>
    public int KeyRotationDays { get; init; } = 7;
    /// <summary>Most positions one advance looks at, so one tick stays short however many left the line.</summary>
    public int MaxScanPerTick { get; init; } = 5000;

    public static WaitingRoomOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Encore:WaitingRoom").Get<WaitingRoomOptions>() ?? new WaitingRoomOptions();
        if (options.QueueStore is not (null or "InProcess" or "Redis"))
            throw new InvalidOperationException("Encore:WaitingRoom:QueueStore is InProcess or Redis.");
        if (options.TickMilliseconds is < 100 or > 60_000)
            throw new InvalidOperationException("Encore:WaitingRoom:TickMilliseconds is between 100 and 60000.");
        if (options.LiveCheckInSeconds is < 1 or > 300)
            throw new InvalidOperationException("Encore:WaitingRoom:LiveCheckInSeconds is between 1 and 300.");
        if (options.SettingsCacheSeconds is < 0 or > 300)
            throw new InvalidOperationException("Encore:WaitingRoom:SettingsCacheSeconds is between 0 and 300.");
        if (options.KeyRotationDays is < 1 or > 365)
            throw new InvalidOperationException("Encore:WaitingRoom:KeyRotationDays is between 1 and 365.");
        if (options.MaxScanPerTick is < 10 or > 100_000)
            throw new InvalidOperationException("Encore:WaitingRoom:MaxScanPerTick is between 10 and 100000.");
        return options;
    }
}
