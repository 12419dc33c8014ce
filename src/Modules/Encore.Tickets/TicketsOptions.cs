using Microsoft.Extensions.Configuration;

namespace Encore.Tickets;

/// <summary>The <c>Encore:Tickets</c> section.</summary>
internal sealed record TicketsOptions
{
    /// <summary>How long an instance trusts its cached copy of an event's keys and a performance's schedule.</summary>
    public TimeSpan KeyCacheSeconds { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long an instance trusts that a scanner device it saw allowed is still allowed; revocations also reach every instance at once by message (docs/tickets.md).</summary>
    public TimeSpan DeviceCache { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Gates may admit this long after the performance's end (late arrivals at a long show are rare but real).</summary>
    public TimeSpan AdmitAfterEnd { get; init; } = TimeSpan.Zero;
    /// <summary>Scanner device access tokens (client credentials) are the OIDC server's; this is how long an offline bundle says it is good for.</summary>
    public TimeSpan OfflineBundleLifetime { get; init; } = TimeSpan.FromHours(12);

    public static TicketsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:Tickets");
        var options = new TicketsOptions
        {
            KeyCacheSeconds = TimeSpan.FromSeconds(section.GetValue("KeyCacheSeconds", 30.0)),
            DeviceCache = TimeSpan.FromSeconds(section.GetValue("DeviceCacheSeconds", 5.0)),
            AdmitAfterEnd = TimeSpan.FromMinutes(section.GetValue("AdmitAfterEndMinutes", 0.0)),
            OfflineBundleLifetime = TimeSpan.FromHours(section.GetValue("OfflineBundleHours", 12.0)),
        };
        if (options.KeyCacheSeconds < TimeSpan.Zero || options.KeyCacheSeconds > TimeSpan.FromMinutes(10))
            throw new InvalidOperationException("Encore:Tickets:KeyCacheSeconds must be 0 to 600.");
        if (options.DeviceCache < TimeSpan.Zero || options.DeviceCache > TimeSpan.FromSeconds(30))
            throw new InvalidOperationException("Encore:Tickets:DeviceCacheSeconds must be 0 to 30.");
        if (options.AdmitAfterEnd < TimeSpan.Zero || options.AdmitAfterEnd > TimeSpan.FromHours(12))
            throw new InvalidOperationException("Encore:Tickets:AdmitAfterEndMinutes must be 0 to 720.");
        if (options.OfflineBundleLifetime <= TimeSpan.Zero || options.OfflineBundleLifetime > TimeSpan.FromDays(3))
            throw new InvalidOperationException("Encore:Tickets:OfflineBundleHours must be above 0 and at most 72.");
        return options;
    }
}
