using System.Security.Claims;
using Encore.Contracts.FlashSale;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Gateway;

/// <summary>GET a proof-of-work challenge for a scope; harder for buyers who look risky.</summary>
internal static class ChallengeEndpoint
{
    /// <summary>The scopes endpoints ask proofs for; a challenge for anything else is refused.</summary>
    public static readonly IReadOnlySet<string> Scopes = new HashSet<string>(StringComparer.Ordinal) { "queue-join", BotGate.HoldScope };

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(ProofOfWorkCheck.ChallengePath, Handle)
            .WithTags("Bot defense")
            .WithSummary("A proof-of-work challenge (ALTCHA protocol) for an action: queue-join or hold")
            .WithDescription("Find the number n ≤ maxnumber with SHA-256(salt + n) = challenge, then send base64(JSON {algorithm, challenge, number, salt, signature}) " +
                "in the X-Altcha header of the action. Each solved challenge counts once and only for its scope.")
            .AllowAnonymous()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    static async Task<Results<Ok<AltchaChallenge>, ValidationProblem>> Handle(
        string? scope, HttpContext http, ProofOfWorkCheck pow, AltchaKey key, IBuyerRiskSignals risk, BotDefenseOptions options, TimeProvider clock)
    {
        if (scope is null || !Scopes.Contains(scope))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["scope"] = [$"One of: {string.Join(", ", Scopes)}."] });
        var userId = Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        var buyer = await risk.AssessAsync(userId, http, http.RequestAborted);
        var challenge = Altcha.Create(await key.GetAsync(), scope, pow.MaxNumberFor(buyer), clock.GetUtcNow() + options.ProofOfWork.ChallengeLifetime);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(challenge);
    }
}
