using System.Text.Json.Serialization;

namespace Encore.Catalog.Venues;

[JsonConverter(typeof(JsonStringEnumConverter<SectionKind>))]
public enum SectionKind
{
    [JsonStringEnumMemberName("reserved")] Reserved = 0,
    [JsonStringEnumMemberName("generalAdmission")] GeneralAdmission = 1,
}

/// <summary>
/// A venue and its seat map. Imported whole and then read; the import validates every rule,
/// so the rows themselves are plain data.
/// </summary>
internal sealed class Venue
{
    public Guid Id { get; init; }
    public Guid OrganizerId { get; init; }
    public string Name { get; init; } = "";
    public string Address { get; init; } = "";
    public string City { get; init; } = "";
    public string CountryCode { get; init; } = "";
    /// <summary>ISO 3166-2 subdivision (<c>US-NY</c>); always set where tax differs by subdivision.</summary>
    public string? Region { get; init; }
    public string TimeZone { get; init; } = "";
    /// <summary>The drawing's coordinate space; seats lie within 0..Width and 0..Height.</summary>
    public int Width { get; init; }
    public int Height { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<Section> Sections { get; init; } = [];
}

internal sealed class Section
{
    public Guid Id { get; init; }
    public Guid VenueId { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public SectionKind Kind { get; init; }
    public string PriceZone { get; init; } = "";
    /// <summary>Standing capacity of a general-admission section; null for reserved seating.</summary>
    public int? Capacity { get; init; }
    public int Order { get; init; }
    /// <summary>Optional outline for drawing (GA areas especially).</summary>
    public int? X { get; init; }
    public int? Y { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public List<Row> Rows { get; init; } = [];
}

internal sealed class Row
{
    public Guid Id { get; init; }
    public Guid SectionId { get; init; }
    public string Label { get; init; } = "";
    public int Order { get; init; }
    public List<Seat> Seats { get; init; } = [];
}

internal sealed class Seat
{
    public Guid Id { get; init; }
    public Guid RowId { get; init; }
    public string Label { get; init; } = "";
    public int Order { get; init; }
    public double X { get; init; }
    public double Y { get; init; }
    public bool Wheelchair { get; init; }
    public bool Companion { get; init; }
    public bool RestrictedView { get; init; }
    public bool Aisle { get; init; }
}
