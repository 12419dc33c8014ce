namespace Encore.Payments;

/// <summary>Our own URLs the gateway sends the buyer or its webhooks to.</summary>
internal static class PaymentsPaths
{
    public static string ReturnPath(Guid paymentId) => $"/payments/{paymentId:D}/return";

    /// <summary>Stripe needs an absolute return_url; the simulated gateway stays on this site, so a path is enough.</summary>
    public static string Return(PaymentsOptions options, Guid paymentId) =>
        string.IsNullOrEmpty(options.PublicBaseUrl) ? ReturnPath(paymentId) : options.PublicBaseUrl.TrimEnd('/') + ReturnPath(paymentId);

    /// <summary>An absolute path on this site, and nothing a browser would read as another host (<c>//evil</c>, <c>/\evil</c>).</summary>
    public static bool IsLocalPath(string? url) =>
        url is { Length: > 0 and <= 2000 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\')) && !u.Any(char.IsControl);
}
