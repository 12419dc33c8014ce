using Encore.Contracts.Tax;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Tax.Calculation;

/// <summary>The tax contract over HTTP for operators: what the configured provider answers for a basket.</summary>
internal static class QuoteTax
{
    public static void Map(RouteGroupBuilder admin) =>
        admin.MapPost("/quote", Handle)
            .WithName("TaxQuote")
            .WithSummary("Tax per line by the configured provider (built-in tables or AvaTax).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    static async Task<Results<Ok<TaxQuote>, ProblemHttpResult>> Handle(TaxQuoteRequest request, ITaxCalculator calculator, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await calculator.QuoteAsync(request, ct));
        }
        catch (TaxRequestException ex)
        {
            return TypedResults.Problem(title: "Cannot tax this request", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (TaxUnavailableException ex)
        {
            return TypedResults.Problem(title: "Tax service unavailable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
