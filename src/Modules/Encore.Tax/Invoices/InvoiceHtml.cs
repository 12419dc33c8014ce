using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Encore.Tax.Invoices;

/// <summary>The invoice as a standalone, printable HTML page (styles from /css/invoice.css: the CSP allows no inline styles).</summary>
internal static class InvoiceHtml
{
    public static string Render(InvoiceDocument d)
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder();
        void Line(string s) => html.Append(s).Append('\n');
        string Party(Contracts.Tax.InvoiceParty p) =>
            $"<p><strong>{e.Encode(p.Name)}</strong><br>{string.Join("<br>", p.Address.Split('\n').Select(a => e.Encode(a.Trim())))}<br>{e.Encode(p.Country)}" +
            (p.VatNumber is { } vat ? $"<br>VAT number: {e.Encode(vat)}" : "") + "</p>";

        Line("<!DOCTYPE html>");
        Line("<html lang=\"en\">");
        Line("<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        Line($"<title>Invoice {e.Encode(d.Number)}</title><link rel=\"stylesheet\" href=\"/css/invoice.css\"></head>");
        Line("<body><main class=\"invoice\">");
        Line($"<h1>Invoice {e.Encode(d.Number)}</h1>");
        Line("<dl class=\"invoice-facts\">");
        Line($"<dt>Invoice number</dt><dd>{e.Encode(d.Number)}</dd>");
        Line($"<dt>Date of issue</dt><dd>{d.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</dd>");
        if (d.SupplyDate is { } supply) Line($"<dt>Date of supply</dt><dd>{supply.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</dd>");
        Line($"<dt>Currency</dt><dd>{e.Encode(d.Currency)}</dd>");
        Line("</dl>");
        Line("<div class=\"invoice-parties\">");
        Line($"<section><h2>Seller</h2>{Party(d.Seller)}</section>");
        Line($"<section><h2>Buyer</h2>{Party(d.Buyer)}</section>");
        Line("</div>");
        Line("<div class=\"invoice-table\"><table>");
        Line("<caption>Lines</caption>");
        Line("<thead><tr><th scope=\"col\">Description</th><th scope=\"col\">Quantity</th><th scope=\"col\">Net</th><th scope=\"col\">Rate</th><th scope=\"col\">Tax</th><th scope=\"col\">Gross</th></tr></thead><tbody>");
        foreach (var l in d.Lines)
            Line($"<tr><td>{e.Encode(l.Description)}</td><td>{l.Quantity}</td><td>{d.Amount(l.Net)}</td><td>{e.Encode(l.TaxName)} {InvoiceDocument.Rate(l.RatePpm)}</td><td>{d.Amount(l.Tax)}</td><td>{d.Amount(l.Net + l.Tax)}</td></tr>");
        Line("</tbody></table></div>");
        Line("<div class=\"invoice-table\"><table>");
        Line("<caption>Tax by rate</caption>");
        Line("<thead><tr><th scope=\"col\">Tax</th><th scope=\"col\">Rate</th><th scope=\"col\">Taxable amount</th><th scope=\"col\">Tax amount</th></tr></thead><tbody>");
        foreach (var r in d.TaxSummary)
            Line($"<tr><td>{e.Encode(r.TaxName)}</td><td>{InvoiceDocument.Rate(r.RatePpm)}</td><td>{d.Amount(r.Net)}</td><td>{d.Amount(r.Tax)}</td></tr>");
        Line("</tbody></table></div>");
        Line("<dl class=\"invoice-totals\">");
        Line($"<dt>Total net</dt><dd>{d.Amount(d.TotalNet)}</dd>");
        Line($"<dt>Total tax</dt><dd>{d.Amount(d.TotalTax)}</dd>");
        Line($"<dt>Total</dt><dd><strong>{d.Amount(d.TotalGross)}</strong></dd>");
        Line("</dl>");
        Line("</main></body></html>");
        return html.ToString();
    }
}
