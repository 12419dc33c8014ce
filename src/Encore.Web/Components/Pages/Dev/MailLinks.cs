using System.Net;
using System.Text.RegularExpressions;
using Encore.BuildingBlocks.Email;

namespace Encore.Web.Components.Pages.Dev;

/// <summary>The web links of a message, from its text body and its HTML hrefs; only http and https.</summary>
internal static partial class MailLinks
{
    public static List<string> Extract(EmailMessage message)
    {
        var candidates = TextUrl().Matches(message.TextBody).Select(m => m.Value.TrimEnd('.', ',', ')', ';'))
            .Concat(message.HtmlBody is null ? [] : Href().Matches(message.HtmlBody).Select(m => WebUtility.HtmlDecode(m.Groups["url"].Value)));
        return candidates
            .Where(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"https?://[^\s<>""']+", RegexOptions.IgnoreCase)]
    private static partial Regex TextUrl();

    [GeneratedRegex(@"href\s*=\s*""(?<url>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Href();
}
