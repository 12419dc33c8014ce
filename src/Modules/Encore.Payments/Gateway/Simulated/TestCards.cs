using System.Security.Cryptography;
using System.Text;

namespace Encore.Payments.Gateway.Simulated;

/// <summary>What a test card does when a payment is confirmed with it.</summary>
internal enum CardBehaviour { Succeeds, Declines, RequiresAuthentication, SucceedsThenDisputed }

/// <summary>
/// One of Stripe's documented test cards: its number, the PaymentMethod ids Stripe's test mode
/// accepts for it, and the outcome. The simulated gateway accepts exactly these (and nothing that
/// looks like a real card).
/// </summary>
internal sealed record TestCard(
    string Number, string Brand, string Country, string Label, CardBehaviour Behaviour,
    string? ErrorCode, string? DeclineCode, string? Message, params string[] PaymentMethods)
{
    public string Token => PaymentMethods[0];
    public string Last4 => Number[^4..];

    /// <summary>Stable per card number and never the number itself, as a gateway's fingerprint is.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("encore-simulated-card:" + Number)))[..16];
}

internal static class TestCards
{
    const string Declined = "Your card was declined.";

    public static readonly IReadOnlyList<TestCard> All =
    [
        new("4242424242424242", "visa", "US", "Visa, succeeds", CardBehaviour.Succeeds, null, null, null, "pm_card_visa"),
        new("5555555555554444", "mastercard", "US", "Mastercard, succeeds", CardBehaviour.Succeeds, null, null, null, "pm_card_mastercard"),
        new("4000000000000002", "visa", "US", "Visa, declined", CardBehaviour.Declines, "card_declined", "generic_decline", Declined,
            "pm_card_visa_chargeDeclined", "pm_card_chargeDeclined"),
        new("4000000000009995", "visa", "US", "Visa, insufficient funds", CardBehaviour.Declines, "card_declined", "insufficient_funds",
            "Your card has insufficient funds.", "pm_card_visa_chargeDeclinedInsufficientFunds", "pm_card_chargeDeclinedInsufficientFunds"),
        new("4000000000009987", "visa", "US", "Visa, lost card", CardBehaviour.Declines, "card_declined", "lost_card", Declined,
            "pm_card_visa_chargeDeclinedLostCard", "pm_card_chargeDeclinedLostCard"),
        new("4000000000000069", "visa", "US", "Visa, expired", CardBehaviour.Declines, "expired_card", "expired_card",
            "Your card has expired.", "pm_card_chargeDeclinedExpiredCard"),
        new("4000000000000127", "visa", "US", "Visa, incorrect CVC", CardBehaviour.Declines, "incorrect_cvc", "incorrect_cvc",
            "Your card's security code is incorrect.", "pm_card_chargeDeclinedIncorrectCvc"),
        new("4000000000000119", "visa", "US", "Visa, processing error", CardBehaviour.Declines, "processing_error", "processing_error",
            "An error occurred while processing your card. Try again in a little bit.", "pm_card_chargeDeclinedProcessingError"),
        new("4100000000000019", "visa", "US", "Visa, blocked as fraudulent", CardBehaviour.Declines, "card_declined", "fraudulent", Declined,
            "pm_card_radarBlock"),
        new("4000002760003184", "visa", "DE", "Visa, always needs 3-D Secure", CardBehaviour.RequiresAuthentication, null, null, null,
            "pm_card_authenticationRequired"),
        new("4000000000003220", "visa", "US", "Visa, 3-D Secure 2 required", CardBehaviour.RequiresAuthentication, null, null, null,
            "pm_card_threeDSecure2Required"),
        new("4000000000000259", "visa", "US", "Visa, succeeds then disputed", CardBehaviour.SucceedsThenDisputed, null, null, null,
            "pm_card_createDispute"),
    ];

    /// <summary>The cards a buyer picks from on the checkout page.</summary>
    public static readonly IReadOnlyList<TestCard> Offered =
        [.. All.Where(c => c.Token is "pm_card_visa" or "pm_card_visa_chargeDeclined" or "pm_card_visa_chargeDeclinedInsufficientFunds" or "pm_card_authenticationRequired")];

    public static TestCard? ByPaymentMethod(string paymentMethod) =>
        All.FirstOrDefault(c => c.PaymentMethods.Contains(paymentMethod, StringComparer.Ordinal));

    public static TestCard? ByNumber(string number)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        return All.FirstOrDefault(c => c.Number == digits);
    }
}
