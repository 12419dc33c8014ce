using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Encore.BuildingBlocks;
using Encore.Contracts.Tax;
using Encore.Tax.Calculation;

namespace Encore.Tax.AvaTax;

/// <summary>
/// Avalara AvaTax REST v2: <c>POST /api/v2/transactions/create</c> with HTTP basic auth (account id
/// and license key), a <c>SalesOrder</c> that is never committed (a quote, not a filing). AvaTax
/// speaks decimal major units; they are converted at this boundary only, exactly (the amounts we
/// send have at most the currency's digits; the tax we read back is rounded half-up to them).
/// </summary>
internal sealed class AvaTaxCalculator(HttpClient http, TaxOptions options, TimeProvider clock) : ITaxCalculator
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public async Task<TaxQuote> QuoteAsync(TaxQuoteRequest request, CancellationToken cancellationToken)
    {
        TaxRequests.Validate(request);
        var avatax = options.AvaTax;
        var inclusive = request.PricesIncludeTax ?? !request.EventLocation.Country.Equals("US", StringComparison.OrdinalIgnoreCase);
        var digits = Money.MinorDigits(request.Currency);
        var body = new CreateTransaction(
            Type: "SalesOrder",
            CompanyCode: avatax.CompanyCode,
            Date: (request.Date ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            CustomerCode: request.SellerId.ToString("N"),
            CurrencyCode: request.Currency,
            Commit: false,
            Addresses: request is { Attendance: Attendance.Virtual, BuyerLocation: { } buyer }
                ? new Addresses(null, Address(request.EventLocation), Address(buyer))
                : new Addresses(Address(request.EventLocation), null, null),
            Lines: request.Lines.Select(l => new CreateLine(
                Number: l.Reference,
                Quantity: l.Quantity,
                Amount: Major(l.Amount, digits),
                TaxCode: avatax.TaxCodes.GetValueOrDefault(l.Kind.ToString()) is { Length: > 0 } code ? code : null,
                ItemCode: l.Kind.ToString(),
                Description: l.Kind.ToString(),
                TaxIncluded: inclusive)).ToList());

        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(avatax.BaseUrl.TrimEnd('/') + "/"), "api/v2/transactions/create"))
        {
            Content = JsonContent.Create(body, options: Json),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{avatax.AccountId}:{avatax.LicenseKey}")));
        message.Headers.Add("X-Avalara-Client", "Encore; 1.0; REST; v2; encore");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TaxUnavailableException("AvaTax did not answer.", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new TaxUnavailableException(await DescribeErrorAsync(response, cancellationToken));
            Transaction? transaction;
            try
            {
                transaction = await response.Content.ReadFromJsonAsync<Transaction>(Json, cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new TaxUnavailableException("AvaTax answered with a body that is not a transaction.", ex);
            }
            return ToQuote(request, inclusive, digits, transaction);
        }
    }

    static TaxQuote ToQuote(TaxQuoteRequest request, bool inclusive, int digits, Transaction? transaction)
    {
        if (transaction?.Lines is not { } lines) throw new TaxUnavailableException("AvaTax answered without lines.");
        var byNumber = lines.Where(l => l.LineNumber is not null).ToDictionary(l => l.LineNumber!);
        var place = TaxRequests.PlaceOfSupply(request);
        var result = new List<TaxLine>();
        foreach (var line in request.Lines)
        {
            if (!byNumber.TryGetValue(line.Reference, out var answered))
                throw new TaxUnavailableException($"AvaTax did not return line {line.Reference}.");
            var tax = Minor(answered.Tax ?? 0m, digits);
            if (tax < 0 || tax > line.Amount * (inclusive ? 1 : 10))
                throw new TaxUnavailableException($"AvaTax returned an implausible tax for line {line.Reference}.");
            var rate = (answered.Details ?? []).Sum(d => d.Rate ?? 0m);
            var ratePpm = (int)decimal.Round(rate * 1_000_000m, MidpointRounding.AwayFromZero);
            var taxName = answered.Details?.FirstOrDefault()?.TaxName ?? "Sales tax";
            var (net, gross) = inclusive ? (line.Amount - tax, line.Amount) : (line.Amount, line.Amount + tax);
            result.Add(new TaxLine(line.Reference, line.Kind, place, taxName, ratePpm, net, tax, gross));
        }
        return new TaxQuote(request.Currency, inclusive, result, "avatax");
    }

    static async Task<string> DescribeErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        ErrorResult? error = null;
        try { error = await response.Content.ReadFromJsonAsync<ErrorResult>(Json, ct); }
        catch (JsonException) { }
        catch (NotSupportedException) { }
        var what = error?.Error is { } e ? $"{e.Code}: {e.Message}" : "no error details";
        return response.StatusCode == HttpStatusCode.Unauthorized
            ? $"AvaTax refused the credentials (401, {what})."
            : $"AvaTax answered {status} ({what}).";
    }

    static AvaAddress Address(TaxAddress a) => new(a.Line1, a.City, a.Region, a.Country.ToUpperInvariant(), a.PostalCode);

    /// <summary>Minor units to a decimal of major units: exact, since decimal is base ten.</summary>
    internal static decimal Major(long minor, int digits) => minor / Pow10(digits);

    /// <summary>Major units back to minor units, half-up at the currency's digits.</summary>
    internal static long Minor(decimal major, int digits) => (long)decimal.Round(major * Pow10(digits), MidpointRounding.AwayFromZero);

    static decimal Pow10(int digits) => digits switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(digits)) };

    internal sealed record CreateTransaction(string Type, string CompanyCode, string Date, string CustomerCode, string CurrencyCode, bool Commit, Addresses Addresses, List<CreateLine> Lines);
    internal sealed record Addresses(AvaAddress? SingleLocation, AvaAddress? ShipFrom, AvaAddress? ShipTo);
    internal sealed record AvaAddress(string? Line1, string? City, string? Region, string Country, string? PostalCode);
    internal sealed record CreateLine(string Number, decimal Quantity, decimal Amount, string? TaxCode, string? ItemCode, string? Description, bool TaxIncluded);
    internal sealed record Transaction(long? Id, string? Code, decimal? TotalTax, List<TransactionLine>? Lines);
    internal sealed record TransactionLine(string? LineNumber, decimal? LineAmount, decimal? Tax, decimal? TaxableAmount, List<TransactionDetail>? Details);
    internal sealed record TransactionDetail(string? JurisCode, string? JurisName, decimal? Rate, decimal? Tax, string? TaxName);
    internal sealed record ErrorResult(ErrorInfo? Error);
    internal sealed record ErrorInfo(string? Code, string? Message, string? Target, List<JsonElement>? Details);
}
