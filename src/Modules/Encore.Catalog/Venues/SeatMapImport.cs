using Encore.BuildingBlocks;
using Encore.Contracts.Tax;

namespace Encore.Catalog.Venues;

internal static class SeatMapLimits
{
    public const int NameMax = 200;
    public const int AddressMax = 300;
    public const int CityMax = 100;
    /// <summary>ISO 3166-2: two letters, a hyphen, up to three letters or digits.</summary>
    public const int RegionMax = 6;
    public const int CodeMax = 20;
    public const int LabelMax = 10;
    public const int MaxSections = 200;
    public const int MaxRowsPerSection = 200;
    public const int MaxSeatsPerRow = 500;
    public const int MaxSeats = 50_000;
    public const int MaxCoordinate = 10_000;
    public const int MaxCapacity = 100_000;
}

/// <summary>A venue with its seat map, as an organizer uploads it (docs/seat-map-format.md).</summary>
/// <param name="Region">ISO 3166-2 subdivision such as <c>US-NY</c>: required where tax differs by
/// subdivision (every US state), optional elsewhere.</param>
internal sealed record SeatMapDocument(
    string? Name, string? Address, string? City, string? CountryCode, string? TimeZone,
    int Width, int Height, IReadOnlyList<SectionDocument>? Sections, string? Region = null);

internal sealed record SectionDocument(
    string? Code, string? Name, SectionKind Kind, string? PriceZone, int? Capacity,
    int? X, int? Y, int? Width, int? Height, IReadOnlyList<RowDocument>? Rows);

internal sealed record RowDocument(string? Label, IReadOnlyList<SeatDocument>? Seats);

internal sealed record SeatDocument(
    string? Label, double X, double Y,
    bool Wheelchair = false, bool Companion = false, bool RestrictedView = false, bool Aisle = false);

/// <summary>Checks a seat map document and turns it into a venue; every error names the item it is about.</summary>
internal static class SeatMapImport
{
    public static Dictionary<string, string[]> Validate(SeatMapDocument doc, ITaxJurisdictions taxes)
    {
        var errors = new Errors();
        errors.Text("name", doc.Name, SeatMapLimits.NameMax, "Venue name");
        errors.Text("address", doc.Address, SeatMapLimits.AddressMax, "Address");
        errors.Text("city", doc.City, SeatMapLimits.CityMax, "City");
        if (doc.CountryCode is not { Length: 2 } cc || !cc.All(char.IsAsciiLetterUpper))
            errors.Add("countryCode", "Country code must be an ISO 3166-1 alpha-2 code in capitals, such as 'GB'.");
        else
            CheckRegion(errors, cc, doc.Region, taxes);
        if (!IsTimeZone(doc.TimeZone))
            errors.Add("timeZone", $"Time zone '{doc.TimeZone}' is not a known IANA time zone, such as 'Europe/London'.");
        if (doc.Width is < 1 or > SeatMapLimits.MaxCoordinate)
            errors.Add("width", $"Width must be between 1 and {SeatMapLimits.MaxCoordinate}.");
        if (doc.Height is < 1 or > SeatMapLimits.MaxCoordinate)
            errors.Add("height", $"Height must be between 1 and {SeatMapLimits.MaxCoordinate}.");

        var sections = doc.Sections ?? [];
        if (sections.Count == 0) errors.Add("sections", "A venue needs at least one section.");
        if (sections.Count > SeatMapLimits.MaxSections)
        {
            errors.Add("sections", $"A venue has at most {SeatMapLimits.MaxSections} sections.");
            return errors.ToDictionary();
        }
        var totalSeats = sections.Sum(s => (s.Rows ?? []).Sum(r => (long)(r.Seats?.Count ?? 0)));
        if (totalSeats > SeatMapLimits.MaxSeats)
        {
            errors.Add("sections", $"A venue has at most {SeatMapLimits.MaxSeats:N0} seats; this one has {totalSeats:N0}.");
            return errors.ToDictionary();
        }

        var codes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            var at = $"sections[{i}]";
            if (section is null) { errors.Add(at, "Section is missing."); continue; }
            if (errors.Code($"{at}.code", section.Code, "Section code") && !codes.TryAdd(section.Code!, i))
                errors.Add($"{at}.code", $"Section code '{section.Code}' is used by sections[{codes[section.Code!]}] too; codes are unique per venue.");
            errors.Text($"{at}.name", section.Name, SeatMapLimits.NameMax, "Section name");
            if (section.PriceZone is not null) errors.Code($"{at}.priceZone", section.PriceZone, "Price zone");
            CheckOutline(errors, at, section, doc);
            var rows = section.Rows ?? [];
            var name = section.Code ?? $"#{i}";

            if (section.Kind == SectionKind.GeneralAdmission)
            {
                if (section.Capacity is not { } capacity || capacity < 1 || capacity > SeatMapLimits.MaxCapacity)
                    errors.Add($"{at}.capacity", $"General-admission section '{name}' needs a capacity between 1 and {SeatMapLimits.MaxCapacity:N0}.");
                if (rows.Count > 0)
                    errors.Add($"{at}.rows", $"General-admission section '{name}' has no rows or seats; give it a capacity instead.");
                continue;
            }

            if (section.Capacity is not null)
                errors.Add($"{at}.capacity", $"Reserved section '{name}' takes its capacity from its seats; remove 'capacity'.");
            if (rows.Count > SeatMapLimits.MaxRowsPerSection)
            {
                errors.Add($"{at}.rows", $"Section '{name}' has {rows.Count} rows; the limit is {SeatMapLimits.MaxRowsPerSection}.");
                continue;
            }
            if (rows.Sum(r => r?.Seats?.Count ?? 0) == 0)
                errors.Add($"{at}.rows", $"Reserved section '{name}' needs at least one seat.");

            var rowLabels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < rows.Count; j++)
            {
                var row = rows[j];
                var rowAt = $"{at}.rows[{j}]";
                if (row is null) { errors.Add(rowAt, "Row is missing."); continue; }
                if (errors.Label($"{rowAt}.label", row.Label, "Row label") && !rowLabels.TryAdd(row.Label!, j))
                    errors.Add($"{rowAt}.label", $"Row label '{row.Label}' appears twice in section '{name}'.");
                var seats = row.Seats ?? [];
                if (seats.Count > SeatMapLimits.MaxSeatsPerRow)
                {
                    errors.Add($"{rowAt}.seats", $"Row '{row.Label}' of section '{name}' has {seats.Count} seats; the limit is {SeatMapLimits.MaxSeatsPerRow}.");
                    continue;
                }
                var seatLabels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var k = 0; k < seats.Count; k++)
                {
                    var seat = seats[k];
                    var seatAt = $"{rowAt}.seats[{k}]";
                    if (seat is null) { errors.Add(seatAt, "Seat is missing."); continue; }
                    if (errors.Label($"{seatAt}.label", seat.Label, "Seat label") && !seatLabels.Add(seat.Label!))
                        errors.Add($"{seatAt}.label", $"Seat label '{seat.Label}' appears twice in row '{row.Label}' of section '{name}'.");
                    if (!InRange(seat.X, doc.Width) || !InRange(seat.Y, doc.Height))
                        errors.Add(seatAt, $"Seat '{seat.Label}' in row '{row.Label}' of section '{name}' lies at ({seat.X}, {seat.Y}), outside the drawing (0..{doc.Width}, 0..{doc.Height}).");
                    if (errors.Count >= 200) return errors.ToDictionary();
                }
            }
        }
        return errors.ToDictionary();
    }

    static void CheckOutline(Errors errors, string at, SectionDocument section, SeatMapDocument doc)
    {
        int?[] outline = [section.X, section.Y, section.Width, section.Height];
        if (outline.All(v => v is null)) return;
        if (outline.Any(v => v is null))
        {
            errors.Add(at, $"Section '{section.Code}' gives part of an outline; give x, y, width and height, or none.");
            return;
        }
        if (section.X < 0 || section.Y < 0 || section.Width < 1 || section.Height < 1
            || section.X + section.Width > doc.Width || section.Y + section.Height > doc.Height)
            errors.Add(at, $"The outline of section '{section.Code}' lies outside the drawing (0..{doc.Width}, 0..{doc.Height}).");
    }

    static bool InRange(double value, int max) => double.IsFinite(value) && value >= 0 && value <= max;

    public static bool IsTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return false;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;
    }

    /// <summary>
    /// Where tax differs by subdivision (sales tax by US state), the venue must say which one, and
    /// one the tax module can price: a sale is never taxed as if the state had no tax. Elsewhere a
    /// region is optional, but must be a subdivision code of the venue's country.
    /// </summary>
    static void CheckRegion(Errors errors, string country, string? region, ITaxJurisdictions taxes)
    {
        var known = taxes.SubdivisionsOf(country);
        if (string.IsNullOrEmpty(region))
        {
            if (known.Count > 0)
                errors.Add("region", $"A venue in {country} needs its region, the ISO 3166-2 code of its state such as '{known.First()}': sales tax depends on it.");
            return;
        }
        if (region.Length is < 4 or > SeatMapLimits.RegionMax || !region.StartsWith(country + "-", StringComparison.Ordinal)
            || !region[3..].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
        {
            errors.Add("region", $"Region '{region}' must be an ISO 3166-2 code of {country} in capitals, such as '{(known.Count > 0 ? known.First() : country + "-XX")}'.");
            return;
        }
        if (known.Count > 0 && !known.Contains(region))
            errors.Add("region", $"Tax has no rules for region '{region}'; it knows {string.Join(", ", known)}. An operator adds a jurisdiction under Encore:Tax:Jurisdictions.");
    }

    /// <summary>Only for a document that <see cref="Validate"/> accepted.</summary>
    public static Venue ToVenue(SeatMapDocument doc, Guid organizerId, DateTimeOffset now)
    {
        var venueId = Ids.New();
        return new Venue
        {
            Id = venueId,
            OrganizerId = organizerId,
            Name = doc.Name!.Trim(),
            Address = doc.Address!.Trim(),
            City = doc.City!.Trim(),
            CountryCode = doc.CountryCode!,
            Region = string.IsNullOrEmpty(doc.Region) ? null : doc.Region,
            TimeZone = doc.TimeZone!,
            Width = doc.Width,
            Height = doc.Height,
            CreatedAt = now,
            Sections = doc.Sections!.Select((s, i) =>
            {
                var sectionId = Ids.New();
                return new Section
                {
                    Id = sectionId,
                    VenueId = venueId,
                    Code = s.Code!,
                    Name = s.Name!.Trim(),
                    Kind = s.Kind,
                    PriceZone = s.PriceZone ?? s.Code!,
                    Capacity = s.Kind == SectionKind.GeneralAdmission ? s.Capacity : null,
                    Order = i,
                    X = s.X, Y = s.Y, Width = s.Width, Height = s.Height,
                    Rows = (s.Rows ?? []).Select((r, j) =>
                    {
                        var rowId = Ids.New();
                        return new Row
                        {
                            Id = rowId,
                            SectionId = sectionId,
                            Label = r.Label!,
                            Order = j,
                            Seats = (r.Seats ?? []).Select((seat, k) => new Seat
                            {
                                Id = Ids.New(),
                                RowId = rowId,
                                Label = seat.Label!,
                                Order = k,
                                X = Math.Round(seat.X, 2),
                                Y = Math.Round(seat.Y, 2),
                                Wheelchair = seat.Wheelchair,
                                Companion = seat.Companion,
                                RestrictedView = seat.RestrictedView,
                                Aisle = seat.Aisle,
                            }).ToList(),
                        };
                    }).ToList(),
                };
            }).ToList(),
        };
    }
}

/// <summary>Collects validation errors keyed by the JSON path of the offending item.</summary>
internal sealed class Errors
{
    readonly Dictionary<string, List<string>> errors = [];

    public int Count => errors.Count;

    public void Add(string key, string message)
    {
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(message);
    }

    public bool Text(string key, string? value, int max, string what)
    {
        if (string.IsNullOrWhiteSpace(value)) { Add(key, $"{what} is required."); return false; }
        if (value.Length > max) { Add(key, $"{what} is longer than {max} characters."); return false; }
        return true;
    }

    /// <summary>Codes appear in URLs and tier definitions: capitals, digits, '-' and '_'.</summary>
    public bool Code(string key, string? value, string what)
    {
        if (!Text(key, value, SeatMapLimits.CodeMax, what)) return false;
        if (value!.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '-' or '_')) return true;
        Add(key, $"{what} '{value}' may contain only capital letters, digits, '-' and '_'.");
        return false;
    }

    public bool Label(string key, string? value, string what)
    {
        if (!Text(key, value, SeatMapLimits.LabelMax, what)) return false;
        if (value!.Trim() == value && !value.Contains(',')) return true;
        Add(key, $"{what} '{value}' may not have surrounding spaces or commas.");
        return false;
    }

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
