using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Encore.Tax.Invoices;

/// <summary>The invoice as an A4 PDF, drawn with PDFsharp (MIT) in DejaVu Sans, embedded in the assembly so no system font is needed.</summary>
internal static class InvoicePdf
{
    const double Margin = 50, Bottom = 800;
    static readonly Lock FontLock = new();

    public static byte[] Render(InvoiceDocument d)
    {
        EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"Invoice {d.Number}";
        document.Info.Author = d.Seller.Name;
        document.Info.CreationDate = d.IssuedAt.UtcDateTime;

        var regular = new XFont(EmbeddedFonts.Family, 9.5);
        var bold = new XFont(EmbeddedFonts.Family, 9.5, XFontStyleEx.Bold);
        var title = new XFont(EmbeddedFonts.Family, 18, XFontStyleEx.Bold);

        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        var gfx = XGraphics.FromPdfPage(page);
        var y = Margin;

        void Text(string s, XFont font, double x, double width = 500, XStringFormat? format = null) =>
            gfx.DrawString(s, font, XBrushes.Black, new XRect(x, y, width, 14), format ?? XStringFormats.TopLeft);
        void NewPageIfNeeded(double needed)
        {
            if (y + needed <= Bottom) return;
            gfx.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            y = Margin;
        }

        Text($"Invoice {d.Number}", title, Margin);
        y += 32;
        Text($"Date of issue: {d.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", regular, Margin);
        y += 14;
        if (d.SupplyDate is { } supply)
        {
            Text($"Date of supply: {supply.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", regular, Margin);
            y += 14;
        }
        y += 10;

        var top = y;
        double PartyBlock(string heading, Contracts.Tax.InvoiceParty p, double x)
        {
            y = top;
            Text(heading, bold, x, 240);
            y += 14;
            Text(p.Name, regular, x, 240);
            y += 14;
            foreach (var line in p.Address.Split('\n').Select(a => a.Trim()).Where(a => a.Length > 0).Append(p.Country))
            {
                Text(line, regular, x, 240);
                y += 14;
            }
            if (p.VatNumber is { } vat)
            {
                Text($"VAT number: {vat}", regular, x, 240);
                y += 14;
            }
            return y;
        }
        var afterSeller = PartyBlock("Seller", d.Seller, Margin);
        var afterBuyer = PartyBlock("Buyer", d.Buyer, 300);
        y = Math.Max(afterSeller, afterBuyer) + 16;

        double[] columns = [Margin, 250, 300, 370, 440, 495];
        string[] headings = ["Description", "Qty", "Net", "Rate", "Tax", "Gross"];
        void Row(string[] cells, XFont font)
        {
            NewPageIfNeeded(16);
            for (var c = 0; c < cells.Length; c++)
                Text(Fit(cells[c], c == 0 ? 40 : 20), font, columns[c], c == 0 ? 195 : 65, c == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
            y += 15;
        }
        Row(headings, bold);
        gfx.DrawLine(XPens.Black, Margin, y, 560, y);
        y += 3;
        foreach (var l in d.Lines)
            Row([l.Description, l.Quantity.ToString(CultureInfo.InvariantCulture), d.Amount(l.Net), InvoiceDocument.Rate(l.RatePpm), d.Amount(l.Tax), d.Amount(l.Net + l.Tax)], regular);
        y += 12;

        NewPageIfNeeded(30 + 15 * d.TaxSummary.Count);
        Text("Tax by rate", bold, Margin);
        y += 15;
        foreach (var r in d.TaxSummary)
        {
            Text($"{r.TaxName} {InvoiceDocument.Rate(r.RatePpm)} on {d.Amount(r.Net)}: {d.Amount(r.Tax)}", regular, Margin);
            y += 14;
        }
        y += 10;
        NewPageIfNeeded(50);
        Text($"Total net: {d.Amount(d.TotalNet)}", regular, Margin);
        y += 14;
        Text($"Total tax: {d.Amount(d.TotalTax)}", regular, Margin);
        y += 14;
        Text($"Total: {d.Amount(d.TotalGross)}", bold, Margin);
        gfx.Dispose();

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    static string Fit(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    static void EnsureFonts()
    {
        // PDFsharp's font resolver is process-wide and may be set once; Tickets' PDFs set one that
        // resolves the same DejaVu faces, so whichever module renders first sets it.
        lock (FontLock)
            if (GlobalFontSettings.FontResolver is null)
                GlobalFontSettings.FontResolver = new EmbeddedFonts();
    }

    sealed class EmbeddedFonts : IFontResolver
    {
        public const string Family = "DejaVu Sans";

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

        public byte[]? GetFont(string faceName)
        {
            using var stream = typeof(InvoicePdf).Assembly.GetManifestResourceStream($"Encore.Tax.Invoices.Fonts.{faceName}.ttf");
            if (stream is null) return null;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
