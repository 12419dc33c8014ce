using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Contracts.FlashSale;
using Microsoft.AspNetCore.Mvc;

namespace Encore.Web.Gateway;

/// <summary>
/// In front of every endpoint that carries <see cref="ProofOfWorkRequired"/>: scores the buyer, refuses
/// shadow-banned accounts where the scope is a hold, then asks the human check (proof of work by
/// default). Runs after authentication and the rate limiter, so refused floods cost one bucket lookup.
/// </summary>
internal static class BotGate
{
    /// <summary>The scope whose endpoints shadow-banned accounts may not use.</summary>
    public const string HoldScope = "hold";

    public static IApplicationBuilder UseBotGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<ProofOfWorkRequired>() is not { } required)
        {
            await next(http);
            return;
        }
        if (await CheckAsync(http, required.Scope, http.RequestAborted) is { } refusal)
        {
            await RefuseAsync(http, refusal);
            return;
        }
        await next(http);
    });

    /// <summary>
    /// The gate's checks for one request and scope, null when it passes. The middleware runs it for endpoints
    /// with <see cref="ProofOfWorkRequired"/>; pages whose forms need a proof run it through <see cref="PageGate"/>.
    /// </summary>
    public static async ValueTask<GateRefusal?> CheckAsync(HttpContext http, string scope, CancellationToken ct)
    {
        var userId = Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        var risk = await http.RequestServices.GetRequiredService<IBuyerRiskSignals>().AssessAsync(userId, http, ct);
        // An honest refusal: a wrongly flagged fan must learn why and whom to ask (docs/bot-defense.md).
        // Before the proof, so a flagged account's proofs are not even spent.
        if (scope == HoldScope && risk.ShadowBanned) return AccountFlagged;
        return await http.RequestServices.GetRequiredService<IHumanCheck>().CheckAsync(http, scope, risk, ct);
    }

    internal static readonly GateRefusal AccountFlagged = new(StatusCodes.Status403Forbidden, "Account under review",
        "This account cannot hold tickets while it is under review. Contact support to have it reviewed.", "accountFlagged");

    static async Task RefuseAsync(HttpContext http, GateRefusal refusal)
    {
        http.Response.StatusCode = refusal.Status;
        // Browsers posting a page's form get the site's error page for the status; API clients get problem+json.
        if (Problems.WantsPage(http)) return;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = refusal.Status,
                Title = refusal.Title,
                Detail = refusal.Detail,
                Extensions = { ["reason"] = refusal.Reason },
            },
        });
    }
}
