using Microsoft.Extensions.Configuration;

namespace Encore.Tax;

/// <summary>
/// <c>Encore:Tax</c>: <c>Provider</c> = <c>BuiltIn</c> (default, the rate tables) or <c>AvaTax</c>;
/// <c>Jurisdictions:&lt;code&gt;:*</c> overrides or adds table rows; <c>AvaTax:*</c> configures the adapter.
/// </summary>
internal sealed record TaxOptions
{
    public string Provider { get; init; } = "BuiltIn";
    public AvaTaxOptions AvaTax { get; init; } = new();

    public static TaxOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:Tax");
        var options = new TaxOptions
        {
            Provider = section["Provider"] ?? "BuiltIn",
            AvaTax = section.GetSection("AvaTax").Get<AvaTaxOptions>() ?? new(),
        };
        if (options.Provider is not ("BuiltIn" or "AvaTax"))
            throw new InvalidOperationException($"Encore:Tax:Provider must be BuiltIn or AvaTax, not '{options.Provider}'.");
        if (options.Provider == "AvaTax")
        {
            if (!Uri.TryCreate(options.AvaTax.BaseUrl, UriKind.Absolute, out _))
                throw new InvalidOperationException("Encore:Tax:AvaTax:BaseUrl must be an absolute URL (https://sandbox-rest.avatax.com or https://rest.avatax.com).");
            if (string.IsNullOrEmpty(options.AvaTax.AccountId) || string.IsNullOrEmpty(options.AvaTax.LicenseKey) || string.IsNullOrEmpty(options.AvaTax.CompanyCode))
                throw new InvalidOperationException("Encore:Tax:AvaTax needs AccountId, LicenseKey and CompanyCode.");
        }
        return options;
    }
}

internal sealed record AvaTaxOptions
{
    public string BaseUrl { get; init; } = "https://sandbox-rest.avatax.com";
    public string AccountId { get; init; } = "";
    public string LicenseKey { get; init; } = "";
    public string CompanyCode { get; init; } = "";
    public int TimeoutSeconds { get; init; } = 10;
    /// <summary>AvaTax tax codes per line kind, from the account's tax code list; empty omits the code (AvaTax then treats the line as tangible goods).</summary>
    public Dictionary<string, string> TaxCodes { get; init; } = [];
}
