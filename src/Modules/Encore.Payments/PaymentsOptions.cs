using Microsoft.Extensions.Configuration;

namespace Encore.Payments;

/// <summary>
/// <c>Encore:Payments</c>: <c>Gateway</c> = <c>Simulated</c> (default) or <c>Stripe</c>; <c>Stripe:*</c> configures
/// the adapter, <c>Simulated:*</c> the built-in gateway, <c>Fraud:*</c> the screen's thresholds.
/// </summary>
internal sealed record PaymentsOptions
{
    public string Gateway { get; init; } = "Simulated";
    public StripeOptions Stripe { get; init; } = new();
    public SimulatedGatewayOptions Simulated { get; init; } = new();
    public FraudOptions Fraud { get; init; } = new();
    /// <summary>How long an attempt's gateway call may run before another caller with the same payment id takes it over.</summary>
    public int AttemptLeaseSeconds { get; init; } = 30;
    /// <summary>Webhook timestamps older or newer than this are refused (Stripe's default tolerance).</summary>
    public int WebhookToleranceSeconds { get; init; } = 300;
    /// <summary>This site's public origin (https://tickets.example.com): the Stripe adapter's absolute return_url needs it.</summary>
    public string? PublicBaseUrl { get; init; }

    public bool UsesStripe => Gateway == "Stripe";

    public static PaymentsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:Payments");
        var options = section.Get<PaymentsOptions>() ?? new();
        if (options.Gateway is not ("Simulated" or "Stripe"))
            throw new InvalidOperationException($"Encore:Payments:Gateway must be Simulated or Stripe, not '{options.Gateway}'.");
        if (options.UsesStripe)
        {
            if (string.IsNullOrEmpty(options.Stripe.ApiKey))
                throw new InvalidOperationException("Encore:Payments:Stripe:ApiKey is required when Encore:Payments:Gateway=Stripe.");
            if (string.IsNullOrEmpty(options.Stripe.WebhookSecret))
                throw new InvalidOperationException("Encore:Payments:Stripe:WebhookSecret is required when Encore:Payments:Gateway=Stripe.");
            if (!Uri.TryCreate(options.Stripe.ApiBase, UriKind.Absolute, out _))
                throw new InvalidOperationException("Encore:Payments:Stripe:ApiBase must be an absolute URL.");
            if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out _))
                throw new InvalidOperationException("Encore:Payments:PublicBaseUrl (this site's https origin) is required with Stripe: its return_url must be absolute.");
        }
        if (options.AttemptLeaseSeconds is < 1 or > 600)
            throw new InvalidOperationException("Encore:Payments:AttemptLeaseSeconds must be between 1 and 600.");
        options.Fraud.Validate();
        return options;
    }
}

internal sealed record StripeOptions
{
    public string ApiKey { get; init; } = "";
    public string WebhookSecret { get; init; } = "";
    public string ApiBase { get; init; } = "https://api.stripe.com";
    public int TimeoutSeconds { get; init; } = 20;
}

internal sealed record SimulatedGatewayOptions
{
    /// <summary>The secret the simulated gateway signs its webhooks with; generated per database in the embedded topology when unset.</summary>
    public string? WebhookSecret { get; init; }
    /// <summary>Where webhooks go over HTTP; unset, they are handed to this app's own receiver in process (same signature check).</summary>
    public string? WebhookUrl { get; init; }
    /// <summary>Delivery attempts before an event is given up (Stripe retries for up to three days).</summary>
    public int WebhookMaxAttempts { get; init; } = 12;
    /// <summary>What the simulated gateway keeps per capture: a percentage (in basis points) plus a fixed part in minor units.</summary>
    public int FeeBasisPoints { get; init; } = 290;
    public long FeeFixedMinor { get; init; } = 30;
}

internal sealed record FraudOptions
{
    /// <summary>Orders at or above this amount (minor units, any currency) always need 3-D Secure.</summary>
    public long ThreeDSecureAbove { get; init; } = 50_000;
    /// <summary>Orders at or above this amount add to the score.</summary>
    public long HighValueAbove { get; init; } = 100_000;
    public int ThreeDSecureScore { get; init; } = 30;
    public int ReviewScore { get; init; } = 60;
    public int BlockScore { get; init; } = 90;
    public int AccountVelocityLimit { get; init; } = 5;
    public int AccountVelocityMinutes { get; init; } = 10;
    public int CardVelocityLimit { get; init; } = 5;
    public int CardVelocityMinutes { get; init; } = 60;
    /// <summary>A card used by more than this many accounts within a day is suspicious.</summary>
    public int CardAccountsLimit { get; init; } = 2;
    public int DeviceVelocityLimit { get; init; } = 8;
    public int DeviceVelocityMinutes { get; init; } = 10;
    public int DeviceAccountsLimit { get; init; } = 3;
    public int IpVelocityLimit { get; init; } = 15;
    public int IpVelocityMinutes { get; init; } = 10;
    public int NewAccountHours { get; init; } = 24;
    /// <summary>Offline address-to-country table: CIDR network → ISO country, for deployments that know their traffic (no GeoIP database ships with Encore).</summary>
    public Dictionary<string, string> IpCountries { get; init; } = [];

    public void Validate()
    {
        if (ThreeDSecureAbove < 0 || HighValueAbove < 0)
            throw new InvalidOperationException("Encore:Payments:Fraud amounts must be zero or positive.");
        if (!(ThreeDSecureScore <= ReviewScore && ReviewScore <= BlockScore))
            throw new InvalidOperationException("Encore:Payments:Fraud scores must satisfy ThreeDSecureScore <= ReviewScore <= BlockScore.");
    }
}
