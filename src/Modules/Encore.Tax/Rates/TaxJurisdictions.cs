using Encore.Contracts.Tax;

namespace Encore.Tax.Rates;

/// <summary>
/// The subdivisions the configured provider can price: the built-in table's rows named
/// <c>CC-XX</c>, or, with AvaTax (which knows every state's rules), all fifty US states and DC.
/// </summary>
internal sealed class TaxJurisdictions(JurisdictionTable table, TaxOptions options) : ITaxJurisdictions
{
    static readonly string[] UsStates =
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
        "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    ];

    readonly Dictionary<string, SortedSet<string>> byCountry = Index(table, options);

    public IReadOnlyCollection<string> SubdivisionsOf(string country) =>
        byCountry.TryGetValue(country, out var codes) ? codes : [];

    static Dictionary<string, SortedSet<string>> Index(JurisdictionTable table, TaxOptions options)
    {
        var codes = table.All.Select(j => j.Code).Where(c => c.Length > 3 && c[2] == '-');
        if (options.Provider == "AvaTax") codes = codes.Concat(UsStates.Select(s => "US-" + s));
        return codes.GroupBy(c => c[..2], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => new SortedSet<string>(g, StringComparer.Ordinal), StringComparer.OrdinalIgnoreCase);
    }
}
