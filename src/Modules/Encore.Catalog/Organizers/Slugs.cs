using System.Globalization;
using System.Text;

namespace Encore.Catalog.Organizers;

internal static class Slugs
{
    public const int Max = 80;

    /// <summary>"Jazz at the Crescent: Live!" → "jazz-at-the-crescent-live"; accents fold to their letters.</summary>
    public static string From(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c)) builder.Append(char.ToLowerInvariant(c));
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
            if (builder.Length >= Max) break;
        }
        return builder.ToString().Trim('-');
    }
}
