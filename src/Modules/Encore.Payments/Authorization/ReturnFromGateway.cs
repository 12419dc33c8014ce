using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Encore.Payments.Authorization;

/// <summary>
/// Where the gateway sends the buyer after a 3-D Secure challenge. We ask the gateway how it went
/// (never trusting the query string), record it (publishing the outcome once, whether this or the
/// webhook comes first), and send the buyer on to the page Orders asked for.
/// </summary>
internal static class ReturnFromGateway
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/payments/{paymentId:guid}/return", Handle)
            // Anyone may follow the redirect: it reveals nothing and only settles what the gateway already decided.
            .AllowAnonymous()
            .ExcludeFromDescription();

    static async Task<IResult> Handle(Guid paymentId, PaymentService payments, CancellationToken ct)
    {
        var attempt = await payments.SyncAsync(paymentId, ct);
        return attempt is null ? TypedResults.NotFound() : TypedResults.LocalRedirect(attempt.ReturnUrl);
    }
}
