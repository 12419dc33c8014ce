using System.Text.Json.Serialization;
using Encore.Contracts.FlashSale;

namespace Encore.Web.Gateway;

/// <summary>hCaptcha's siteverify answer (https://docs.hcaptcha.com/#verify-the-user-response-server-side).</summary>
internal sealed record SiteverifyResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("challenge_ts")] string? ChallengeTs,
    [property: JsonPropertyName("error-codes")] string[]? ErrorCodes);

/// <summary>
/// Verifies an hCaptcha token server-side: a form POST of secret, response, remoteip and sitekey to
/// siteverify; the token is good when success is true (and the host name is ours, when configured).
/// hCaptcha itself spends a token on first verification, so replays fail there.
/// </summary>
internal sealed class HCaptchaCheck(HttpClient http, BotDefenseOptions options, ILogger<HCaptchaCheck> logger) : IHumanCheck
{
    public const string HttpClientName = "hcaptcha";
    public const string Header = "X-HCaptcha-Response";
    public const string FormField = "h-captcha-response";

    public async ValueTask<GateRefusal?> CheckAsync(HttpContext context, string scope, BuyerRisk risk, CancellationToken ct)
    {
        var token = context.Request.Headers[Header].ToString();
        if (token.Length == 0 && context.Request.HasFormContentType)
            token = (await context.Request.ReadFormAsync(ct))[FormField].ToString();
        if (token.Length == 0)
            return new(StatusCodes.Status428PreconditionRequired, "Captcha required",
                $"Solve the hCaptcha and send its token in the {Header} header (or the '{FormField}' form field).", "missing");
        if (token.Length > 8192)
            return new(StatusCodes.Status400BadRequest, "Captcha token unreadable", "The token is too long.", "malformed");

        var result = await VerifyAsync(token, context.Connection.RemoteIpAddress?.ToString(), ct);
        if (result is null)
            return new(StatusCodes.Status503ServiceUnavailable, "Captcha check unavailable", "The captcha service did not answer; try again in a moment.", "unavailable");
        if (!result.Success)
            return new(StatusCodes.Status403Forbidden, "Captcha not accepted",
                $"Solve the captcha again ({string.Join(", ", result.ErrorCodes ?? [])}).", "rejected");
        if (options.HCaptcha.ExpectedHostname is { } host && !string.Equals(result.Hostname, host, StringComparison.OrdinalIgnoreCase))
            return new(StatusCodes.Status403Forbidden, "Captcha not accepted", "The captcha was solved on another site.", "wrongHost");
        return null;
    }

    /// <summary>Null when siteverify could not be reached or answered nonsense.</summary>
    public async Task<SiteverifyResponse?> VerifyAsync(string token, string? remoteIp, CancellationToken ct)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("secret", options.HCaptcha.Secret ?? ""),
            new("response", token),
            new("sitekey", options.HCaptcha.SiteKey ?? ""),
        };
        if (remoteIp is not null) fields.Add(new("remoteip", remoteIp));
        try
        {
            using var response = await http.PostAsync(options.HCaptcha.VerifyUrl, new FormUrlEncodedContent(fields), ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("hCaptcha siteverify answered {Status}", (int)response.StatusCode);
                return null;
            }
            return await response.Content.ReadFromJsonAsync<SiteverifyResponse>(ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "hCaptcha siteverify failed");
            return null;
        }
    }
}
