using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Payments.Gateway.Simulated;

/// <summary>
/// The simulated gateway's tokenization: a test card number in, its payment method token out, as
/// Stripe.js does against Stripe. It stands for the gateway's host, not ours: nothing is stored or
/// logged, and only Stripe's documented test numbers are known, so no real card number is accepted.
/// </summary>
internal static class TokenizeCard
{
    internal sealed record TokenizeRequest(string? Number);

    internal sealed record PaymentMethodToken(string Id, string Brand, string Last4);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/simulated-gateway/tokens", Handle)
            .WithTags("Simulated gateway")
            .WithName("SimulatedGatewayTokenize")
            .WithSummary("Exchanges one of Stripe's test card numbers for its payment method token (simulated gateway only).")
            .AllowAnonymous();

    static Results<Ok<PaymentMethodToken>, ValidationProblem> Handle(TokenizeRequest request)
    {
        var digits = request.Number is { Length: <= 30 } n ? new string(n.Where(c => c is not (' ' or '-')).ToArray()) : "";
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = ["A card number is 12 to 19 digits."] });
        return TestCards.ByNumber(digits) is { } card
            ? TypedResults.Ok(new PaymentMethodToken(card.Token, card.Brand, card.Last4))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["number"] = ["The simulated gateway only knows Stripe's test card numbers, such as 4242 4242 4242 4242."],
            });
    }
}
