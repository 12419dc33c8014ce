using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Encore.Tests.Tax;

public sealed class InvoiceTests
{
    static object Quote(string country = "DE") => new
    {
        sellerId = Guid.NewGuid(),
        currency = "EUR",
        eventLocation = new { country, city = "Berlin" },
        buyerLocation = new { country = "FR" },
        lines = new object[]
        {
            new { reference = "ticket", kind = "Admission", amount = 9_000, quantity = 2 },
            new { reference = "service", kind = "ServiceFee", amount = 1_190 },
        },
    };

    static object Invoice(Guid seller, string reference, JsonArray taxedLines) => new
    {
        sellerId = seller,
        sourceReference = reference,
        seller = new { name = "Rhein Konzerte GmbH", address = "Konzertplatz 1\n10117 Berlin", country = "DE", vatNumber = "DE123456789" },
        buyer = new { name = "Camille Martin", address = "2 rue de la Paix\n75002 Paris", country = "FR" },
        currency = "EUR",
        supplyDate = "2026-06-20",
        lines = taxedLines.Select(l => (object)new
        {
            description = (string)l!["reference"]! == "ticket" ? "Admission: Summer Night, 20 June 2026 (2 tickets)" : "Service fee",
            quantity = 1,
            net = Number(l["net"]),
            ratePpm = (int)Number(l["ratePpm"]),
            tax = Number(l["tax"]),
            taxName = (string)l["taxName"]!,
        }).ToArray(),
    };

    // Nodes built in memory hold ints, parsed ones hold JSON numbers: read both the same way.
    static long Number(JsonNode? node) => long.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_order_is_taxed_then_invoiced_with_the_next_number_as_JSON_HTML_and_PDF()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var admin = await app.SignedInAsync("admin@encore.test");

        var quoted = await admin.PostAsJsonAsync("/api/admin/tax/quote", Quote());
        Assert.Equal(HttpStatusCode.OK, quoted.StatusCode);
        var quote = (await quoted.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("built-in", (string?)quote["provider"]);
        var lines = quote["lines"]!.AsArray();
        Assert.Equal((8_411L, 589L), ((long)lines[0]!["net"]!, (long)lines[0]!["tax"]!));   // 9000 / 1.07
        Assert.Equal((1_000L, 190L), ((long)lines[1]!["net"]!, (long)lines[1]!["tax"]!));   // 1190 / 1.19

        var seller = Guid.NewGuid();
        var first = await admin.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(seller, "order-1", lines));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var issued = (await first.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("000001", (string?)issued["number"]);
        Assert.Equal((9_411L, 779L, 10_190L), ((long)issued["totalNet"]!, (long)issued["totalTax"]!, (long)issued["totalGross"]!));

        // Orders retrying the same request gets the same invoice; other content under the same reference is refused.
        var replay = await admin.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(seller, "order-1", lines));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((string?)issued["id"], (string?)(await replay.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
        var changed = JsonNode.Parse(lines.ToJsonString())!.AsArray();
        changed[1]!["net"] = 1_001;
        var conflict = await admin.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(seller, "order-1", changed));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        var wrongTax = JsonNode.Parse(lines.ToJsonString())!.AsArray();
        wrongTax[0]!["tax"] = 5;
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(seller, "order-2", wrongTax))).StatusCode);

        var second = await admin.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(seller, "order-2", lines));
        Assert.Equal("000002", (string?)(await second.Content.ReadFromJsonAsync<JsonObject>())!["number"]);
        var otherSeller = await admin.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(Guid.NewGuid(), "order-1", lines));
        Assert.Equal("000001", (string?)(await otherSeller.Content.ReadFromJsonAsync<JsonObject>())!["number"]);

        var id = (string)issued["id"]!;
        var detail = await admin.GetFromJsonAsync<JsonObject>($"/api/admin/tax/invoices/{id}");
        Assert.Equal(2, detail!["taxSummary"]!.AsArray().Count);

        var html = await admin.GetAsync($"/api/admin/tax/invoices/{id}/html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", page);
        Assert.Contains("Invoice 000001", page);
        Assert.Contains("DE123456789", page);
        Assert.Contains("EUR 101.90", page);
        Assert.DoesNotContain("style=", page);

        var pdf = await admin.GetAsync($"/api/admin/tax/invoices/{id}/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        using var document = PdfDocument.Open(bytes);
        var text = string.Concat(document.GetPages().Select(p => p.Text));
        Assert.Contains("Invoice 000001", text);
        Assert.Contains("Rhein Konzerte GmbH", text);
        Assert.Contains("Total: EUR 101.90", text);
        Assert.Contains("7%", text);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/admin/tax/invoices/{Guid.NewGuid()}/pdf")).StatusCode);
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync($"/api/admin/tax/invoices/{id}")).StatusCode);
    }

    [Fact]
    public async Task Invoice_numbers_stay_gapless_under_parallel_requests_on_two_instances()
    {
        await using var first = EncoreAppFactory.Postgres(seedDemo: true);
        var admin = await first.SignedInAsync("admin@encore.test");
        await using var second = EncoreAppFactory.PostgresOn(first.ConnectionString);
        second.CreateClient().Dispose();

        var lines = new JsonArray(
            new JsonObject { ["reference"] = "ticket", ["net"] = 4_673, ["ratePpm"] = 70_000, ["tax"] = 327, ["taxName"] = "VAT" });
        var seller = Guid.NewGuid();
        // 40 requests for 30 orders: ten orders are sent twice at once (a retrying client), alternating instances.
        var references = Enumerable.Range(1, 30).Select(i => $"order-{i}").Concat(Enumerable.Range(1, 10).Select(i => $"order-{i}")).ToList();
        using var start = new SemaphoreSlim(0);
        var race = references.Select(async (reference, i) =>
        {
            var client = (i % 2 == 0 ? first : second).CreateClient();
            client.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
            await start.WaitAsync();
            var response = await client.PostAsJsonAsync("/api/admin/tax/invoices", Invoice(seller, reference, lines));
            return (reference, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(references.Count);
        var results = await Task.WhenAll(race);

        var odd = results.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK)).ToList();
        Assert.True(odd.Count == 0, string.Join("\n", odd.Select(r => $"{r.reference}: {(int)r.StatusCode} {r.Body}")));
        Assert.Equal(30, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        var byReference = results.GroupBy(r => r.reference).ToDictionary(g => g.Key, g => g.Select(r => (long)JsonNode.Parse(r.Body)!["sequence"]!).Distinct().ToList());
        Assert.All(byReference.Values, numbers => Assert.Single(numbers));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), byReference.Values.Select(n => n[0]).Order());
    }

    [Fact]
    public async Task The_AvaTax_provider_is_chosen_by_configuration_and_its_failures_answer_503()
    {
        await using var fake = await FakeAvaTax.StartAsync();
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true)
            .With("Encore:Tax:Provider", "AvaTax").With("Encore:Tax:AvaTax:BaseUrl", fake.BaseUrl)
            .With("Encore:Tax:AvaTax:AccountId", FakeAvaTax.Account).With("Encore:Tax:AvaTax:LicenseKey", FakeAvaTax.License)
            .With("Encore:Tax:AvaTax:CompanyCode", FakeAvaTax.Company);
        var admin = await app.SignedInAsync("admin@encore.test");
        var body = new
        {
            sellerId = Guid.NewGuid(), currency = "USD", eventLocation = new { country = "US", region = "TX", city = "Austin" },
            lines = new object[] { new { reference = "ticket", kind = "Admission", amount = 10_000 } },
        };
        var ok = await admin.PostAsJsonAsync("/api/admin/tax/quote", body);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var quote = (await ok.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("avatax", 825L), ((string)quote["provider"]!, (long)quote["lines"]![0]!["tax"]!));

        await fake.DisposeAsync();
        var down = await admin.PostAsJsonAsync("/api/admin/tax/quote", body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
    }
}
