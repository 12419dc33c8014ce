using System.Globalization;
using System.Text;
using QRCoder;

namespace Encore.Tickets.Wallet;

/// <summary>
/// QR images of a code (QRCoder): SVG for pages, PNG for mail, squares for the PDF. Medium error
/// correction keeps a 160-character code at version 9. Encoding (choosing among eight masks) is the
/// costly part, so a caller that draws one code twice encodes it once.
/// </summary>
internal static class TicketQr
{
    public static QRCodeData Encode(string code)
    {
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
    }

    /// <summary>
    /// The dark modules as horizontal runs (row, first column, length), quiet zone included in the
    /// coordinates: a drawing of one rectangle per run is a third the size of one per module.
    /// </summary>
    public static IEnumerable<(int Row, int Column, int Length)> DarkRuns(QRCodeData data)
    {
        var modules = data.ModuleMatrix;
        for (var row = 0; row < modules.Count; row++)
        {
            var line = modules[row];
            for (var column = 0; column < line.Length;)
            {
                if (!line[column]) { column++; continue; }
                var start = column;
                while (column < line.Length && line[column]) column++;
                yield return (row, start, column - start);
            }
        }
    }

    /// <summary>
    /// One path of runs with colours from attributes (the pages' CSP allows no inline styles), and a
    /// title naming what it is for assistive technology.
    /// </summary>
    public static string Svg(string code, string titleId, string title)
    {
        using var data = Encode(code);
        var size = data.ModuleMatrix.Count;
        var path = new StringBuilder();
        foreach (var (row, column, length) in DarkRuns(data))
            path.Append(CultureInfo.InvariantCulture, $"M{column} {row}h{length}v1h-{length}z");
        var encodedTitle = System.Net.WebUtility.HtmlEncode(title);
        return $"""<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size * 5}" height="{size * 5}" role="img" aria-labelledby="{titleId}" shape-rendering="crispEdges"><title id="{titleId}">{encodedTitle}</title><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>""";
    }

    public static byte[] Png(QRCodeData data, int pixelsPerModule = 6) => new PngByteQRCode(data).GetGraphic(pixelsPerModule);
}
