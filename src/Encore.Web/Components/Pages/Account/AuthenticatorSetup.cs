using System.Globalization;
using System.Text;
using QRCoder;

namespace Encore.Web.Components.Pages.Account;

/// <summary>What the authenticator enrolment page shows: the key for typing, and the same key as a QR code.</summary>
internal static class AuthenticatorSetup
{
    public const string Issuer = "Encore";

    /// <summary>The key in groups of four, which is how people read it off a screen into an app.</summary>
    public static string Grouped(string key) =>
        string.Join(' ', key.Chunk(4).Select(group => new string(group)));

    /// <summary>The Key Uri Format that authenticator apps read from a QR code.</summary>
    public static string OtpAuthUri(string account, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>
    /// The QR code as inline SVG: one path of squares, colours from attributes (the page's CSP
    /// allows no inline styles), and a title for assistive technology.
    /// </summary>
    public static string QrSvg(string text, string titleId, string title)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var size = modules.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                if (modules[y][x])
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
        var encodedTitle = System.Net.WebUtility.HtmlEncode(title);
        return $"""<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size * 6}" height="{size * 6}" role="img" aria-labelledby="{titleId}" shape-rendering="crispEdges"><title id="{titleId}">{encodedTitle}</title><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>""";
    }
}
