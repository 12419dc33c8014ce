namespace Encore.Catalog.Events;

internal static class Genres
{
    /// <summary>A fixed list keeps browse facets clean; "other" catches the rest.</summary>
    public static readonly IReadOnlyList<string> All =
        ["rock", "pop", "jazz", "classical", "electronic", "folk", "hip-hop", "metal", "country", "blues", "soul", "world", "comedy", "other"];
}
