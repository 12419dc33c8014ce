using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Encore.Contracts.Tax;
using Microsoft.Extensions.Configuration;

namespace Encore.Tax.Rates;

/// <summary>One jurisdiction's rules: a rate per line kind, in parts per million.</summary>
internal sealed record Jurisdiction(
    string Code, string Name, string TaxName, bool PricesIncludeTax,
    int StandardPpm, int AdmissionPpm, int FacilityFeePpm, int ServiceFeePpm, int DeliveryFeePpm)
{
    public int RateFor(TaxLineKind kind) => kind switch
    {
        TaxLineKind.Admission => AdmissionPpm,
        TaxLineKind.FacilityFee => FacilityFeePpm,
        TaxLineKind.ServiceFee => ServiceFeePpm,
        TaxLineKind.DeliveryFee => DeliveryFeePpm,
        _ => throw new TaxRequestException($"Unknown line kind {kind}."),
    };
}

/// <summary>
/// The built-in tables: <c>Rates/jurisdictions.json</c> (shipped, dated) merged with
/// <c>Encore:Tax:Jurisdictions</c> from configuration, which may change any field of a row or add
/// a jurisdiction. Rates are percentages written as decimal text ("7", "25.5", "6.625") and held
/// as integer parts per million, so no floating point is ever involved.
/// Unset kinds default: admission to the standard rate, facility fee to the admission rate (it is
/// part of the admission price), service and delivery fees to the standard rate.
/// </summary>
internal sealed class JurisdictionTable
{
    readonly Dictionary<string, Jurisdiction> rows;

    public string Source { get; }
    public string AsOf { get; }

    JurisdictionTable(Dictionary<string, Jurisdiction> rows, string source, string asOf)
    {
        this.rows = rows;
        Source = source;
        AsOf = asOf;
    }

    public IReadOnlyCollection<Jurisdiction> All => rows.Values;

    public Jurisdiction? Find(string code) => rows.GetValueOrDefault(code);

    public static JurisdictionTable Load(IConfiguration configuration)
    {
        using var stream = typeof(JurisdictionTable).Assembly.GetManifestResourceStream("Encore.Tax.Rates.jurisdictions.json")
            ?? throw new InvalidOperationException("The built-in jurisdiction table is missing from the assembly.");
        var shipped = JsonSerializer.Deserialize<ShippedTable>(stream, JsonSerializerOptions.Web)!;
        var raw = shipped.Jurisdictions.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);

        foreach (var section in configuration.GetSection("Encore:Tax:Jurisdictions").GetChildren())
        {
            var row = raw.GetValueOrDefault(section.Key) ?? new RawJurisdiction();
            raw[section.Key] = row with
            {
                Name = section["Name"] ?? row.Name,
                TaxName = section["TaxName"] ?? row.TaxName,
                PricesIncludeTax = section["PricesIncludeTax"] is { } p ? bool.Parse(p) : row.PricesIncludeTax,
                Standard = section["Standard"] ?? row.Standard,
                Admission = section["Admission"] ?? row.Admission,
                FacilityFee = section["FacilityFee"] ?? row.FacilityFee,
                ServiceFee = section["ServiceFee"] ?? row.ServiceFee,
                DeliveryFee = section["DeliveryFee"] ?? row.DeliveryFee,
            };
        }

        var rows = new Dictionary<string, Jurisdiction>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, r) in raw)
        {
            var where = $"jurisdiction {code}";
            var standard = Ppm(r.Standard ?? throw new InvalidOperationException($"{where}: no standard rate."), where);
            var admission = r.Admission is null ? standard : Ppm(r.Admission, where);
            rows[code] = new Jurisdiction(code.ToUpperInvariant(), r.Name ?? code, r.TaxName ?? "VAT", r.PricesIncludeTax ?? false,
                standard, admission,
                r.FacilityFee is null ? admission : Ppm(r.FacilityFee, where),
                r.ServiceFee is null ? standard : Ppm(r.ServiceFee, where),
                r.DeliveryFee is null ? standard : Ppm(r.DeliveryFee, where));
        }
        return new JurisdictionTable(rows, shipped.Source, shipped.AsOf);
    }

    /// <summary>"7" → 70000, "25.5" → 255000, "6.625" → 66250; at most four decimals, 0–100%.</summary>
    public static int Ppm(string percent, string where)
    {
        if (!decimal.TryParse(percent, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 100)
            throw new InvalidOperationException($"{where}: '{percent}' is not a percentage between 0 and 100.");
        var ppm = value * 10_000m;
        if (ppm != decimal.Truncate(ppm))
            throw new InvalidOperationException($"{where}: '{percent}' has more than four decimals.");
        return (int)ppm;
    }

    sealed record ShippedTable(string Source, string AsOf, Dictionary<string, RawJurisdiction> Jurisdictions);

    sealed record RawJurisdiction
    {
        public string? Name { get; init; }
        public string? TaxName { get; init; }
        public bool? PricesIncludeTax { get; init; }
        public string? Standard { get; init; }
        public string? Admission { get; init; }
        public string? FacilityFee { get; init; }
        public string? ServiceFee { get; init; }
        public string? DeliveryFee { get; init; }
        [JsonPropertyName("note")] public string? Note { get; init; }
    }
}
