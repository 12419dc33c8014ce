using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Payments.Webhooks;

/// <summary>The gateway's webhook endpoint: a Stripe-shaped event, signed in the Stripe-Signature header.</summary>
internal static class ReceiveWebhook
{
    const int MaxBody = 256 * 1024;

    /// <summary>For the API description only: the endpoint reads the raw body, because the signature covers its exact bytes.</summary>
    internal sealed record GatewayEvent(string Id, string Type, JsonObject Data);

    internal sealed record WebhookAccepted(bool Received, bool Duplicate);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/payments/webhooks/{provider}", Handle)
            .WithTags("Payments")
            .WithName("PaymentsWebhook")
            .WithSummary("Gateway events (Stripe's shape and signature): 200 once accepted or already seen, 400 on a bad signature.")
            // The gateway has no account here: the signature is the authentication.
            .AllowAnonymous()
            .Accepts<GatewayEvent>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    static async Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> Handle(
        string provider, HttpRequest request, WebhookReceiver receiver, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody)
            return TypedResults.Problem(title: "Event too large", detail: $"Events are at most {MaxBody} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        string body;
        using (var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: false)))
        {
            var buffer = new char[MaxBody + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > MaxBody)
                return TypedResults.Problem(title: "Event too large", detail: $"Events are at most {MaxBody} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
            body = new string(buffer, 0, read);
        }
        var outcome = await receiver.ReceiveAsync(provider, request.Headers[WebhookSignature.Header].ToString(), body, ct);
        return outcome.StatusCode == StatusCodes.Status200OK
            ? TypedResults.Ok(new WebhookAccepted(true, outcome.Duplicate))
            : TypedResults.Problem(
                title: outcome.StatusCode == StatusCodes.Status404NotFound ? "Unknown gateway" : "Webhook refused",
                detail: outcome.Problem, statusCode: outcome.StatusCode);
    }
}
