using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Encore.Tickets.Wallet;

/// <summary>Tickets as a PDF, one A6 page each, drawn with PDFsharp in DejaVu Sans embedded in the assembly.</summary>
internal static class TicketPdf
{
    const string Family = "DejaVu Sans";
    static readonly Lock FontLock = new();

    /// <param name="tickets">Each ticket with its printable code; a null code means the event admits only the live code.</param>
    /// <param name="encoded">Codes the caller has already encoded (TicketQr.Encode), drawn without encoding them again.</param>
    public static byte[] Render(IReadOnlyList<(WalletTicket Ticket, string? Code)> tickets, IReadOnlyDictionary<string, QRCoder.QRCodeData>? encoded = null)
    {
        EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = tickets.Count == 1 ? $"Ticket: {tickets[0].Ticket.Title}" : $"Tickets: {tickets[0].Ticket.Title}";
        document.Info.Author = "Encore";

        var small = new XFont(Family, 7.5);
        var regular = new XFont(Family, 9);
        var bold = new XFont(Family, 10, XFontStyleEx.Bold);
        var title = new XFont(Family, 13, XFontStyleEx.Bold);

        foreach (var (w, code) in tickets)
        {
            var page = document.AddPage();
            // A6 (105 × 148 mm): a ticket's size, and a quarter of an A4 sheet when printed.
            page.Width = XUnit.FromMillimeter(105);
            page.Height = XUnit.FromMillimeter(148);
            using var gfx = XGraphics.FromPdfPage(page);
            const double margin = 20;
            var width = page.Width.Point - 2 * margin;
            var y = margin;
            void Line(string text, XFont font, double height)
            {
                gfx.DrawString(text, font, XBrushes.Black, new XRect(margin, y, width, height), XStringFormats.TopLeft);
                y += height;
            }

            Line(w.Title, title, 18);
            Line(w.Where, regular, 13);
            if (w.When.Length > 0) Line($"{w.When} (doors {w.Doors})", regular, 13);
            y += 4;
            Line(w.Ticket.Place, bold, 14);
            Line($"{w.Ticket.TierName} · {w.Ticket.HolderName}", regular, 13);
            y += 6;
            if (code is not null)
            {
                var side = Math.Min(width, 180);
                if (encoded is not null && encoded.TryGetValue(code, out var data)) DrawQr(gfx, data, margin + (width - side) / 2, y, side);
                else
                {
                    using var fresh = TicketQr.Encode(code);
                    DrawQr(gfx, fresh, margin + (width - side) / 2, y, side);
                }
                y += side + 6;
                Line($"Ticket {w.Ticket.Id:D} · generation {w.Ticket.Generation}", small, 10);
                Line("One admission. The code is checked at the gate; a copy admits no one a second time.", small, 10);
            }
            else
            {
                Line("This event admits only the live code on your phone.", bold, 14);
                Line("Open your tickets in your Encore account at the gate:", regular, 13);
                Line("the code there changes every 15 seconds, so a printout", regular, 13);
                Line("or screenshot will not work.", regular, 13);
                Line($"Ticket {w.Ticket.Id:D}", small, 10);
            }
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>
    /// The QR as vector rectangles, one per run of dark modules, filled together: sharp at any print
    /// size, no bitmap decoder needed, and a content stream a fraction of one square per module.
    /// </summary>
    static void DrawQr(XGraphics gfx, QRCoder.QRCodeData data, double x, double y, double side)
    {
        var cell = side / data.ModuleMatrix.Count;
        var runs = TicketQr.DarkRuns(data).Select(r => new XRect(x + r.Column * cell, y + r.Row * cell, r.Length * cell, cell)).ToArray();
        gfx.DrawRectangles(XBrushes.Black, runs);
    }

    static void EnsureFonts()
    {
        // Process-wide and settable once: the Tax module's invoices install an equivalent resolver (the same DejaVu faces).
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not null) return;
            try { GlobalFontSettings.FontResolver = new EmbeddedFonts(); }
            catch (InvalidOperationException) { /* the Tax module set its own first */ }
        }
    }

    sealed class EmbeddedFonts : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

        public byte[]? GetFont(string faceName)
        {
            using var stream = typeof(TicketPdf).Assembly.GetManifestResourceStream($"Encore.Tickets.Fonts.{faceName}.ttf");
            if (stream is null) return null;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
