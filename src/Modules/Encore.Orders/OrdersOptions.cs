using Microsoft.Extensions.Configuration;

namespace Encore.Orders;

/// <summary>
/// <c>Encore:Orders</c>: the platform's default fees (an organizer may set its own per event), how long
/// a 3-D Secure challenge may run past the hold, and how often the maintenance worker runs.
/// </summary>
internal sealed record OrdersOptions
{
    public FeeDefaults Fees { get; init; } = new();
    /// <summary>A buyer who started paying before the hold ended may finish a 3-D Secure challenge this long after it.</summary>
    public int ChallengeGraceMinutes { get; init; } = 15;
    /// <summary>Seconds between passes of the worker that expires orders and retries captures.</summary>
    public int MaintenanceSeconds { get; init; } = 15;

    public static OrdersOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Encore:Orders").Get<OrdersOptions>() ?? new();
        if (options.Fees.Validate() is { } problem) throw new InvalidOperationException("Encore:Orders:Fees: " + problem);
        if (options.ChallengeGraceMinutes is < 0 or > 120) throw new InvalidOperationException("Encore:Orders:ChallengeGraceMinutes must be 0–120.");
        if (options.MaintenanceSeconds is < 1 or > 3600) throw new InvalidOperationException("Encore:Orders:MaintenanceSeconds must be 1–3600.");
        return options;
    }
}

/// <summary>Fees in minor units of the event's currency; the percentage in basis points (1000 = 10%).</summary>
internal sealed record FeeDefaults
{
    public int ServicePercentBasisPoints { get; init; } = 1000;
    public long ServiceFixedMinor { get; init; } = 50;
    public long FacilityFixedMinor { get; init; } = 100;
    public long DeliveryFixedMinor { get; init; } = 0;

    public string? Validate() => FeeRules.Validate(ServicePercentBasisPoints, ServiceFixedMinor, FacilityFixedMinor, DeliveryFixedMinor);
}

internal static class FeeRules
{
    public const int MaxPercentBasisPoints = 5000;
    public const long MaxFixedMinor = 1_000_000;

    public static string? Validate(int percentBasisPoints, long serviceFixed, long facilityFixed, long deliveryFixed)
    {
        if (percentBasisPoints is < 0 or > MaxPercentBasisPoints) return $"The service fee percentage is 0–{MaxPercentBasisPoints} basis points (0–50%).";
        if (serviceFixed is < 0 or > MaxFixedMinor || facilityFixed is < 0 or > MaxFixedMinor || deliveryFixed is < 0 or > MaxFixedMinor)
            return $"Fixed fees are 0–{MaxFixedMinor} minor units.";
        return null;
    }
}
