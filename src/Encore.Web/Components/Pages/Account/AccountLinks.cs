using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace Encore.Web.Components.Pages.Account;

internal static class AccountLinks
{
    /// <summary>
    /// Only a path on this site: "/x" but not "//evil.example" or "/\evil.example", which browsers
    /// treat as another host. Anything else sends the visitor home.
    /// </summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/'
            && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
            && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";

    public static string EncodeToken(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    /// <summary>The token from a link, or null when the link was mangled.</summary>
    public static string? DecodeToken(string? code)
    {
        if (string.IsNullOrEmpty(code)) return null;
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>An absolute link for a mail, HTML-encoded as the account mail templates expect.</summary>
    public static string MailLink(NavigationManager navigation, string relativePath, IReadOnlyDictionary<string, object?> query) =>
        HtmlEncoder.Default.Encode(navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri(relativePath).AbsoluteUri, query));
}
