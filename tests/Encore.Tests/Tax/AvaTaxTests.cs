using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Contracts.Tax;
using Encore.Tax;
using Encore.Tax.AvaTax;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Tax;

/// <summary>
/// A local fake of AvaTax REST v2 on loopback, written from Avalara's documentation: basic auth
/// with account id and license key, POST /api/v2/transactions/create taking a CreateTransactionModel
/// and answering a TransactionModel, errors as {"error": {code, message, target, details}}.
/// </summary>
internal sealed class FakeAvaTax : IAsyncDisposable
{
    public const string Account = "2000123456", License = "0123456789ABCDEF", Company = "ENCORE";
    readonly WebApplication app;
    public ConcurrentQueue<JsonObject> Requests { get; } = new();
    public string BaseUrl { get; }

    FakeAvaTax(WebApplication app, string baseUrl) { this.app = app; BaseUrl = baseUrl; }

    public static async Task<FakeAvaTax> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAvaTax? fake = null;
        app.MapPost("/api/v2/transactions/create", async (HttpContext http) =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Account}:{License}"));
            if (http.Request.Headers.Authorization.ToString() != expected)
                return Error(401, "AuthenticationException", "Authentication failed.", "HttpRequestHeaders", 34);
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            fake!.Requests.Enqueue(body);
            if ((string?)body["companyCode"] != Company)
                return Error(400, "EntityNotFoundError", "Company not found.", "HttpRequestBody", 4);
            var address = body["addresses"]!["singleLocation"] ?? body["addresses"]!["shipTo"];
            var region = (string?)address?["region"];
            // Texas: state 6.25% plus a 2% city rate; anywhere else here: nothing.
            decimal[] rates = region == "TX" ? [0.0625m, 0.02m] : [];
            var lines = new JsonArray();
            decimal totalTax = 0;
            foreach (var line in body["lines"]!.AsArray())
            {
                var amount = (decimal)line!["amount"]!;
                var included = (bool?)line["taxIncluded"] ?? false;
                var rate = rates.Sum();
                var taxable = included ? Math.Round(amount / (1 + rate), 2, MidpointRounding.AwayFromZero) : amount;
                var details = new JsonArray(rates.Select((r, i) => (JsonNode)new JsonObject
                {
                    ["jurisCode"] = i == 0 ? "48" : "4805000",
                    ["jurisName"] = i == 0 ? "TEXAS" : "AUSTIN",
                    ["rate"] = r,
                    ["tax"] = Math.Round(taxable * r, 2, MidpointRounding.AwayFromZero),
                    ["taxName"] = i == 0 ? "TX STATE TAX" : "TX CITY TAX",
                }).ToArray());
                var tax = details.Sum(d => (decimal)d!["tax"]!);
                totalTax += tax;
                lines.Add(new JsonObject { ["lineNumber"] = (string?)line["number"], ["lineAmount"] = amount, ["tax"] = tax, ["taxableAmount"] = taxable, ["details"] = details });
            }
            return Results.Json(new JsonObject { ["id"] = 0, ["code"] = Guid.NewGuid().ToString(), ["status"] = "Temporary", ["totalTax"] = totalTax, ["lines"] = lines }, statusCode: 201);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeAvaTax(app, url);
        return fake;
    }

    static IResult Error(int status, string code, string message, string target, int number) => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code, ["message"] = message, ["target"] = target,
            ["details"] = new JsonArray(new JsonObject
            {
                ["code"] = code, ["number"] = number, ["message"] = message, ["faultCode"] = "Client",
                ["helpLink"] = $"/avatax/errors/{code}", ["severity"] = "Error",
            }),
        },
    }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed class AvaTaxTests
{
    static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 5, 4, 12, 0, 0, TimeSpan.Zero));

    static AvaTaxCalculator Calculator(string baseUrl, string license = FakeAvaTax.License, string company = FakeAvaTax.Company) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, new TaxOptions
        {
            Provider = "AvaTax",
            AvaTax = new AvaTaxOptions { BaseUrl = baseUrl, AccountId = FakeAvaTax.Account, LicenseKey = license, CompanyCode = company, TaxCodes = new() { ["Admission"] = "ADMISSION-CODE" } },
        }, Clock);

    static TaxQuoteRequest Austin(bool? inclusive = null) => new(Guid.NewGuid(), "USD",
        new TaxAddress("US", "TX", "78701", "Austin", "310 Willie Nelson Blvd"), new TaxAddress("US", "CA"),
        [new("t1", TaxLineKind.Admission, 9_999, 2), new("s1", TaxLineKind.ServiceFee, 1_250)], PricesIncludeTax: inclusive);

    [Fact]
    public async Task Tax_comes_from_AvaTax_in_minor_units_with_the_documented_request_shape()
    {
        await using var fake = await FakeAvaTax.StartAsync();
        var quote = await Calculator(fake.BaseUrl).QuoteAsync(Austin(), default);

        Assert.Equal("avatax", quote.Provider);
        Assert.False(quote.PricesIncludeTax);
        // 99.99 × 6.25% = 6.249375 → 6.25; × 2% = 1.9998 → 2.00
        Assert.Equal((9_999L, 825L, 10_824L, 82_500), (quote.Lines[0].Net, quote.Lines[0].Tax, quote.Lines[0].Gross, quote.Lines[0].RatePpm));
        Assert.Equal((1_250L, 103L), (quote.Lines[1].Net, quote.Lines[1].Tax));  // 0.78 + 0.25
        Assert.Equal("US-TX", quote.Lines[0].Jurisdiction);

        var sent = Assert.Single(fake.Requests);
        Assert.Equal("SalesOrder", (string?)sent["type"]);
        Assert.False((bool)sent["commit"]!);
        Assert.Equal("2026-05-04", (string?)sent["date"]);
        Assert.Equal("USD", (string?)sent["currencyCode"]);
        Assert.Equal("TX", (string?)sent["addresses"]!["singleLocation"]!["region"]);
        Assert.Equal(99.99m, (decimal)sent["lines"]![0]!["amount"]!);
        Assert.Equal(2m, (decimal)sent["lines"]![0]!["quantity"]!);
        Assert.Equal("ADMISSION-CODE", (string?)sent["lines"]![0]!["taxCode"]);
        Assert.Null(sent["lines"]![1]!["taxCode"]);
    }

    [Fact]
    public async Task Tax_inclusive_lines_keep_their_gross()
    {
        await using var fake = await FakeAvaTax.StartAsync();
        var quote = await Calculator(fake.BaseUrl).QuoteAsync(Austin(inclusive: true), default);
        Assert.All(quote.Lines, l => Assert.Equal(l.Gross, l.Net + l.Tax));
        Assert.Equal(9_999, quote.Lines[0].Gross);
        Assert.True((bool)Assert.Single(fake.Requests)["lines"]![0]!["taxIncluded"]!);
    }

    [Fact]
    public async Task Refused_credentials_errors_and_an_unreachable_service_become_tax_unavailable()
    {
        await using var fake = await FakeAvaTax.StartAsync();
        var auth = await Assert.ThrowsAsync<TaxUnavailableException>(() => Calculator(fake.BaseUrl, license: "wrong").QuoteAsync(Austin(), default));
        Assert.Contains("refused the credentials (401, AuthenticationException", auth.Message);

        var company = await Assert.ThrowsAsync<TaxUnavailableException>(() => Calculator(fake.BaseUrl, company: "NOPE").QuoteAsync(Austin(), default));
        Assert.Contains("400 (EntityNotFoundError: Company not found.)", company.Message);

        var closedPort = fake.BaseUrl;
        await fake.DisposeAsync();
        await Assert.ThrowsAsync<TaxUnavailableException>(() => Calculator(closedPort).QuoteAsync(Austin(), default));

        // Bad requests never reach the service.
        await Assert.ThrowsAsync<TaxRequestException>(() => Calculator(closedPort).QuoteAsync(Austin() with { EventLocation = new TaxAddress("US") }, default));
    }

    [Fact]
    public void Major_and_minor_units_convert_exactly()
    {
        Assert.Equal(99.99m, AvaTaxCalculator.Major(9_999, 2));
        Assert.Equal(1234m, AvaTaxCalculator.Major(1_234, 0));
        Assert.Equal(1.005m, AvaTaxCalculator.Major(1_005, 3));
        Assert.Equal(101, AvaTaxCalculator.Minor(1.005m, 2));
        Assert.Equal(100, AvaTaxCalculator.Minor(1.0049m, 2));
    }
}
