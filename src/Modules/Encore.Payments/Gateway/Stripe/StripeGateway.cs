using System.Net;
using Stripe;

namespace Encore.Payments.Gateway.Stripe;

/// <summary>
/// The gateway port on Stripe's API through Stripe.net: PaymentIntents with capture_method=manual,
/// confirmed at creation with the buyer's PaymentMethod and an absolute return_url (3-D Secure comes
/// back as next_action.redirect_to_url), capture, cancel and refunds, each with an Idempotency-Key.
/// A decline is Stripe's 402 card_error carrying the intent; other refusals become
/// <see cref="GatewayRequestException"/>; a network failure propagates so the attempt can be retried
/// with the same key.
/// </summary>
internal sealed class StripeGateway : IPaymentGateway
{
    public const string Name = "stripe";
    static readonly List<string> ExpandFee = ["latest_charge.balance_transaction"];

    readonly StripeClient client;

    public StripeGateway(HttpClient http, PaymentsOptions options)
    {
        // Stripe.net retries network failures itself, re-sending the same Idempotency-Key.
        client = new StripeClient(options.Stripe.ApiKey, httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 2, enableTelemetry: false),
            apiBase: options.Stripe.ApiBase.TrimEnd('/'));
    }

    public string Provider => Name;

    public async Task<CardDetails?> DescribePaymentMethodAsync(string paymentMethod, CancellationToken ct)
    {
        try
        {
            var method = await new PaymentMethodService(client).GetAsync(paymentMethod, cancellationToken: ct);
            return method.Card is { } card
                ? new CardDetails(card.Fingerprint ?? method.Id, card.Brand ?? "card", card.Last4 ?? "", card.Country?.ToUpperInvariant())
                : null;
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (StripeException ex)
        {
            throw Refused(ex);
        }
    }

    public async Task<GatewayIntent> CreateAndConfirmAsync(CreateIntent request, CancellationToken ct)
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = request.Amount,
            Currency = request.Currency.ToLowerInvariant(),
            PaymentMethod = request.PaymentMethod,
            CaptureMethod = "manual",
            Confirm = true,
            ReturnUrl = request.ReturnUrl,
            Metadata = request.Metadata.ToDictionary(),
            Expand = ExpandFee,
        };
        if (request.RequestThreeDSecure)
            options.PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                Card = new PaymentIntentPaymentMethodOptionsCardOptions { RequestThreeDSecure = "any" },
            };
        try
        {
            return Map(await new PaymentIntentService(client).CreateAsync(options, Idempotent(request.IdempotencyKey), ct));
        }
        catch (StripeException ex) when (ex.StripeError?.PaymentIntent is { } declined)
        {
            // A card_error (402) still created the intent; it is back in requires_payment_method with the decline.
            return Map(declined);
        }
        catch (StripeException ex)
        {
            throw Refused(ex);
        }
    }

    public Task<GatewayIntent> RetrieveAsync(string intentId, CancellationToken ct) =>
        CallAsync(() => new PaymentIntentService(client).GetAsync(intentId, new PaymentIntentGetOptions { Expand = ExpandFee }, cancellationToken: ct));

    public Task<GatewayIntent> CaptureAsync(string intentId, string idempotencyKey, CancellationToken ct) =>
        CallAsync(() => new PaymentIntentService(client).CaptureAsync(intentId, new PaymentIntentCaptureOptions { Expand = ExpandFee }, Idempotent(idempotencyKey), ct));

    public Task<GatewayIntent> CancelAsync(string intentId, string idempotencyKey, CancellationToken ct) =>
        CallAsync(() => new PaymentIntentService(client).CancelAsync(intentId, new PaymentIntentCancelOptions(), Idempotent(idempotencyKey), ct));

    public async Task<GatewayRefund> RefundAsync(string intentId, long amount, string idempotencyKey, CancellationToken ct)
    {
        try
        {
            var refund = await new RefundService(client).CreateAsync(
                new RefundCreateOptions { PaymentIntent = intentId, Amount = amount }, Idempotent(idempotencyKey), ct);
            return new GatewayRefund(refund.Id, refund.Status, refund.Amount, refund.FailureReason);
        }
        catch (StripeException ex)
        {
            throw Refused(ex);
        }
    }

    async Task<GatewayIntent> CallAsync(Func<Task<PaymentIntent>> call)
    {
        try
        {
            return Map(await call());
        }
        catch (StripeException ex)
        {
            throw Refused(ex);
        }
    }

    static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    static GatewayRequestException Refused(StripeException ex)
    {
        // Stripe answered with an error object: a refusal of the request itself (bad key, wrong state, unknown id).
        if (ex.StripeError is null && ex.HttpStatusCode is 0 or >= HttpStatusCode.InternalServerError)
            throw new HttpRequestException($"Stripe did not answer usefully: {ex.Message}", ex);
        return new GatewayRequestException(ex.StripeError?.Code ?? ex.StripeError?.Type ?? "stripe_error", ex.StripeError?.Message ?? ex.Message, (int)ex.HttpStatusCode);
    }

    static GatewayIntent Map(PaymentIntent pi) => new(
        pi.Id, pi.Status, pi.Amount, (pi.Currency ?? "").ToUpperInvariant(), pi.AmountCapturable, pi.AmountReceived,
        pi.NextAction?.RedirectToUrl?.Url,
        pi.LastPaymentError?.Code, pi.LastPaymentError?.DeclineCode, pi.LastPaymentError?.Message,
        pi.LatestCharge?.BalanceTransaction?.Fee ?? 0);
}
