using System.Globalization;
using System.Text;
using QRCoder;

namespace Encore.Tickets.Wallet;

/// <summary>QR images of a code (QRCoder): SVG for pages, PNG for mail and PDF. Medium error correction keeps a 160-character code at version 9.</summary>
internal static class TicketQr
{
    /// <summary>
    /// One path of squares with colours from attributes (the pages' CSP allows no inline styles),
    /// and a title naming what it is for assistive technology.
    /// </summary>
    public static string Svg(string code, string titleId, string title)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var size = modules.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                if (modules[y][x])
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
        var encodedTitle = System.Net.WebUtility.HtmlEncode(title);
        return $"""<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size * 5}" height="{size * 5}" role="img" aria-labelledby="{titleId}" shape-rendering="crispEdges"><title id="{titleId}">{encodedTitle}</title><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>""";
    }

    public static byte[] Png(string code, int pixelsPerModule = 6)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }
}
