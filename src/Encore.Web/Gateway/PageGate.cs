using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace Encore.Web.Gateway;

/// <summary>
/// The gateway's checks for a page's form post. A page's POST reaches the page's own endpoint, which
/// carries neither a rate-limit policy nor <see cref="Encore.Contracts.FlashSale.ProofOfWorkRequired"/>,
/// so the middleware never sees it: a page that acts on the buyer's behalf (a hold) asks here before it
/// calls the module's handler. Same buckets and same gate as the API, in the API's order: rate limit,
/// then (for a scope) the shadow-ban refusal and the proof of work.
/// </summary>
internal sealed class PageGate(RateLimitBuckets limits)
{
    /// <summary>Null when the post may go on; otherwise the refusal, with the response's status (and Retry-After) already set.</summary>
    /// <param name="policy">The rate-limit policy, as on the matching API endpoint (<see cref="Encore.Contracts.FlashSale.RateLimitPolicies"/>).</param>
    /// <param name="proofScope">The proof-of-work scope the API endpoint requires (read from the form field "altcha"), or null when it requires none.</param>
    public async ValueTask<GateRefusal?> CheckAsync(HttpContext http, string policy, string? proofScope, CancellationToken ct)
    {
        var wait = await limits.TakeAsync(http, policy, ct);
        if (wait > TimeSpan.Zero) return Refuse(http, RateLimits.Refusal(wait));
        if (proofScope is not null && await BotGate.CheckAsync(http, proofScope, ct) is { } refusal) return Refuse(http, refusal);
        return null;
    }

    static GateRefusal Refuse(HttpContext http, GateRefusal refusal)
    {
        Answer(http, refusal.Status);
        if (refusal.RetryAfterSeconds is { } seconds && !http.Response.HasStarted)
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return refusal;
    }

    /// <summary>Gives a page's answer the status an API client would get, while the page still renders itself.</summary>
    public static void Answer(HttpContext http, int status)
    {
        if (!http.Response.HasStarted) http.Response.StatusCode = status;
        // The page shows the problem in its form; the site's status page must not replace the page.
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
    }

    /// <summary>What a person reads on the page: the API's wording names endpoints and headers.</summary>
    public static (string Title, string Detail) Describe(GateRefusal refusal) => refusal.Reason switch
    {
        "rateLimited" => ("Too many tries", $"You have tried this many times in a short while. Wait {Seconds(refusal.RetryAfterSeconds ?? 1)}, then try again; nothing was held."),
        "accountFlagged" => (refusal.Title, refusal.Detail),
        "missing" => ("Browser check not finished", "Before tickets are held, your browser solves a small puzzle that shows a person, not a script, is asking. " +
            "It needs JavaScript. Wait until it says \"Check complete\", then try again; nothing was held."),
        _ => ("Browser check not accepted", "The browser check was already used, expired or could not be read. It has started again: " +
            "when it says \"Check complete\", try again; nothing was held."),
    };

    static string Seconds(int n) => n == 1 ? "a second" : $"{n} seconds";
}
