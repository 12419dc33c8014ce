namespace Encore.Catalog.Venues;

/// <summary>
/// The demo venues as seat map documents, generated rather than shipped as JSON. The theatre is
/// drawn with the stage at the top edge: rows are arcs around a point above the stage, so they
/// curve like a real auditorium, with a centre aisle splitting every stalls and circle row.
/// </summary>
internal static class DemoVenues
{
    const int Width = 1600;
    const int Height = 1850;
    const double CentreX = Width / 2.0;
    const double CentreY = -450;
    const double StallsPitch = 26;
    const double CirclePitch = 24;
    const double RowPitch = 34;
    const double HalfAisle = 20;

    public static SeatMapDocument Theatre()
    {
        var stalls = Tier("STALLS", "Stalls", "STALLS", Letters('A', 'W'), firstRadius: 800, seatsInFirstRow: 42, StallsPitch,
            (row, seat, count) => new Flags(
                Wheelchair: row == "W" && (seat == 1 || seat == count),
                Companion: row == "W" && (seat == 2 || seat == count - 1),
                RestrictedView: false));
        var dressRadius = 800 + (Letters('A', 'W').Count - 1) * RowPitch + 90;
        var dress = Tier("DRESS", "Dress Circle", "CIRCLE", Letters('A', 'K'), dressRadius, seatsInFirstRow: 55, CirclePitch,
            (row, seat, count) => new Flags(
                Wheelchair: row == "A" && (seat == 1 || seat == count),
                Companion: row == "A" && (seat == 2 || seat == count - 1),
                // Pillars holding up the upper circle block the stage from the outer seats at the back.
                RestrictedView: row is "H" or "J" or "K" && (seat <= 2 || seat > count - 2)));
        var upperRadius = dressRadius + (Letters('A', 'K').Count - 1) * RowPitch + 90;
        var upper = Tier("UPPER", "Upper Circle", "UPPER", Letters('A', 'H'), upperRadius, seatsInFirstRow: 40, CirclePitch,
            (row, seat, count) => new Flags(false, false, RestrictedView: seat <= 2 || seat > count - 2));

        return new SeatMapDocument(
            "The Royal Crescent Theatre", "12 Crescent Parade", "Manchester", "GB", "Europe/London", Width, Height,
            [stalls, dress, upper, Box("BOX-A", "Box A", left: true, top: 140, seats: 4), Box("BOX-B", "Box B", left: true, top: 300, seats: 6),
             Box("BOX-C", "Box C", left: false, top: 140, seats: 4), Box("BOX-D", "Box D", left: false, top: 300, seats: 6)]);
    }

    public static SeatMapDocument Club() => new(
        "The Foundry", "3 Foundry Lane, Ancoats", "Manchester", "GB", "Europe/London", 1000, 800,
        [
            new SectionDocument("FLOOR", "Standing floor", SectionKind.GeneralAdmission, "FLOOR", 1300, 100, 120, 800, 440, null),
            new SectionDocument("BALCONY", "Balcony (standing)", SectionKind.GeneralAdmission, "BALCONY", 200, 100, 620, 800, 140, null),
        ]);

    /// <summary>A US venue, so the demo shows sales tax added at checkout (Tennessee taxes admissions and their fees).</summary>
    public static SeatMapDocument Ballroom() => new(
        "The Cumberland Ballroom", "210 Commerce Street", "Nashville", "US", "America/Chicago", 1000, 800,
        [
            new SectionDocument("FLOOR", "General admission floor", SectionKind.GeneralAdmission, "FLOOR", 900, 100, 120, 800, 440, null),
            new SectionDocument("BALCONY", "Balcony (standing)", SectionKind.GeneralAdmission, "BALCONY", 150, 100, 620, 800, 140, null),
        ],
        Region: "US-TN");

    sealed record Flags(bool Wheelchair, bool Companion, bool RestrictedView);

    /// <summary>One curved tier: each row one seat wider than the one in front, split by the centre aisle.</summary>
    static SectionDocument Tier(string code, string name, string zone, IReadOnlyList<string> rows, double firstRadius, int seatsInFirstRow, double pitch,
        Func<string, int, int, Flags> flags)
    {
        var rowDocuments = rows.Select((label, i) =>
        {
            var radius = firstRadius + i * RowPitch;
            var count = seatsInFirstRow + i;
            var half = count / 2;
            var seats = new List<SeatDocument>();
            // Numbered 1..count from house left to house right, as UK theatres do.
            for (var n = 1; n <= count; n++)
            {
                var leftSide = n <= half;
                var fromAisle = leftSide ? half - n : n - half - 1;
                var arc = HalfAisle + pitch / 2 + fromAisle * pitch;
                var angle = arc / radius * (leftSide ? -1 : 1);
                var f = flags(label, n, count);
                seats.Add(new SeatDocument(
                    n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Math.Round(CentreX + radius * Math.Sin(angle), 1),
                    Math.Round(CentreY + radius * Math.Cos(angle), 1),
                    f.Wheelchair, f.Companion, f.RestrictedView,
                    Aisle: n == 1 || n == count || n == half || n == half + 1));
            }
            return new RowDocument(label, seats);
        }).ToList();
        return new SectionDocument(code, name, SectionKind.Reserved, zone, null, null, null, null, null, rowDocuments);
    }

    /// <summary>A side box beside the stage: two columns of seats, the back ones seeing less of the stage.</summary>
    static SectionDocument Box(string code, string name, bool left, int top, int seats)
    {
        var x = left ? 40 : Width - 40 - StallsPitch;
        var list = Enumerable.Range(0, seats).Select(i => new SeatDocument(
            (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            x + i % 2 * StallsPitch,
            top + i / 2 * StallsPitch,
            RestrictedView: i / 2 == seats / 2 - 1 && seats > 4,
            Aisle: i < 2)).ToList();
        return new SectionDocument(code, name, SectionKind.Reserved, "BOX", null, null, null, null, null, [new RowDocument("A", list)]);
    }

    /// <summary>Row letters, skipping I and O as theatres do (they read as 1 and 0).</summary>
    static List<string> Letters(char first, char last) =>
        Enumerable.Range(first, last - first + 1).Select(c => ((char)c).ToString()).Where(l => l is not ("I" or "O")).ToList();
}
