using Encore.Contracts.FlashSale;
using Encore.Identity.Risk;

namespace Encore.Web.Gateway;

/// <summary>
/// Why the gateway refused a request (a rate limit, a flagged account, a human check), for a problem+json
/// answer or a page's message. <paramref name="RetryAfterSeconds"/> is set when waiting helps.
/// </summary>
internal sealed record GateRefusal(int Status, string Title, string Detail, string Reason, int? RetryAfterSeconds = null);

/// <summary>
/// The port in front of "is this a person": the built-in proof of work (ALTCHA protocol) by default,
/// hCaptcha when configured. Each reads its own token from the request.
/// </summary>
internal interface IHumanCheck
{
    /// <summary>Null when the request passes.</summary>
    ValueTask<GateRefusal?> CheckAsync(HttpContext http, string scope, BuyerRisk risk, CancellationToken ct);
}

/// <summary>The HMAC key: configured, or the one every instance shares from the database.</summary>
internal sealed class AltchaKey(BotDefenseOptions options, SharedSecrets secrets)
{
    public const string SecretName = "altcha-hmac";

    public async ValueTask<string> GetAsync() => options.ProofOfWork.HmacKey ?? await secrets.GetAsync(SecretName);
}

internal sealed class ProofOfWorkCheck(BotDefenseOptions options, AltchaKey key, ISpentProofs spent, TimeProvider clock) : IHumanCheck
{
    public const string Header = "X-Altcha";
    public const string FormField = "altcha";
    public const string ChallengePath = "/api/bot-defense/challenge";

    /// <summary>The difficulty a buyer of this risk gets (and must have solved).</summary>
    public long MaxNumberFor(BuyerRisk risk)
    {
        var pow = options.ProofOfWork;
        long max = pow.MaxNumber;
        if (risk.Score >= pow.RiskyScore) max *= pow.RiskyFactor;
        if (risk.Score >= pow.VeryRiskyScore) max *= pow.RiskyFactor;
        return Math.Min(max, 100_000_000);
    }

    public async ValueTask<GateRefusal?> CheckAsync(HttpContext http, string scope, BuyerRisk risk, CancellationToken ct)
    {
        var payload = http.Request.Headers[Header].ToString();
        if (payload.Length == 0 && http.Request.HasFormContentType)
            payload = (await http.Request.ReadFormAsync(ct))[FormField].ToString();
        var fetch = $"GET {ChallengePath}?scope={Uri.EscapeDataString(scope)}";
        if (payload.Length == 0)
            return new(StatusCodes.Status428PreconditionRequired, "Proof of work required",
                $"Fetch a challenge ({fetch}), solve it and send the base64 payload in the {Header} header (or the '{FormField}' form field).", "missing");

        var verdict = Altcha.Verify(payload, await key.GetAsync(), scope, MaxNumberFor(risk), clock.GetUtcNow(), out var signature, out var expires);
        if (verdict == AltchaVerdict.Valid && !await spent.TrySpendAsync(signature!, expires))
            return new(StatusCodes.Status403Forbidden, "Proof of work already used", $"Each solved challenge counts once. Fetch a new one ({fetch}).", "replayed");
        return verdict switch
        {
            AltchaVerdict.Valid => null,
            AltchaVerdict.Expired => new(StatusCodes.Status403Forbidden, "Proof of work expired", $"The challenge expired. Fetch a new one ({fetch}).", "expired"),
            AltchaVerdict.WrongScope => new(StatusCodes.Status403Forbidden, "Proof of work for something else",
                $"This proof was solved for another action. Fetch one for '{scope}' ({fetch}).", "wrongScope"),
            AltchaVerdict.TooEasy => new(StatusCodes.Status403Forbidden, "Proof of work too easy",
                $"This browser now needs a harder challenge. Fetch a new one ({fetch}).", "tooEasy"),
            AltchaVerdict.OutOfRange => new(StatusCodes.Status403Forbidden, "Proof of work out of range",
                $"The number is outside the challenge's range. Fetch a new one ({fetch}).", "outOfRange"),
            AltchaVerdict.BadSignature => new(StatusCodes.Status403Forbidden, "Proof of work not ours",
                $"The challenge was not signed by this site or the answer is wrong. Fetch a new one ({fetch}).", "badSignature"),
            _ => new(StatusCodes.Status400BadRequest, "Proof of work unreadable",
                $"The {Header} value must be base64 JSON with algorithm, challenge, number, salt and signature. Fetch a challenge ({fetch}).", "malformed"),
        };
    }
}
